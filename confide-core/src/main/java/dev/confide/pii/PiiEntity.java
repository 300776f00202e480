package dev.confide.pii;

/** One detected piece of personal data: its type, its {@code [start, end)} offsets, a score in [0, 1]. */
public record PiiEntity(String type, int start, int end, double score) {}
