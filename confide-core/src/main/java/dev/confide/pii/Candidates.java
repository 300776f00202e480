package dev.confide.pii;

import java.util.Arrays;

/** Scored spans proposed by recognizers during one {@code detect} call. */
final class Candidates {
  int size;
  String[] type = new String[16];
  int[] start = new int[16];
  int[] end = new int[16];
  double[] score = new double[16];
  /** Whether the engine may still raise the score with context words. */
  boolean[] contextual = new boolean[16];

  void add(String t, int s, int e, double sc) {
    add(t, s, e, sc, true);
  }

  void add(String t, int s, int e, double sc, boolean useContext) {
    if (e <= s || sc <= 0) {
      return;
    }
    if (size == type.length) {
      int n = size * 2;
      type = Arrays.copyOf(type, n);
      start = Arrays.copyOf(start, n);
      end = Arrays.copyOf(end, n);
      score = Arrays.copyOf(score, n);
      contextual = Arrays.copyOf(contextual, n);
    }
    type[size] = t;
    start[size] = s;
    end[size] = e;
    score[size] = Math.min(1.0, sc);
    contextual[size] = useContext;
    size++;
  }
}
