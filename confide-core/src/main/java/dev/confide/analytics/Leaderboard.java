package dev.confide.analytics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * Ranks models from decision data (P05) by the Bradley–Terry model: model i beats model j with
 * probability p_i / (p_i + p_j). A choice of {@code a} or {@code b} is a win for one side, a
 * {@code tie} half a win for each, and {@code both_bad} says nothing about which is better, so it is
 * left out (and counted). A model compared with itself says nothing either and is skipped.
 *
 * <p>Strengths are the maximum-likelihood estimate found by the MM (Zermelo) iteration, run until no
 * log-strength moves by more than {@value #TOLERANCE}. A model that never won would have strength
 * zero and the estimate would not exist (nor would it for groups of models never compared with each
 * other), so every model also plays {@code prior} virtual games in all, spread as ties over the
 * other models: with a tiny prior this barely moves well-measured models, keeps the rest finite and
 * puts every model on one scale.
 *
 * <p>Ratings are on the Elo scale (400 points = 10:1 odds) centred on 1000 over the ranked models.
 * 95% confidence intervals are bootstrap percentiles: the decisions are resampled with replacement
 * {@code replicates} times and the model refitted each time, with randomness from the generator the
 * caller passes (seeded in tests, so results are reproducible). Cost: replicates × decisions draws.
 */
public final class Leaderboard {
  public static final int DEFAULT_REPLICATES = 200;
  public static final double DEFAULT_PRIOR = 0.1;
  static final double TOLERANCE = 1e-9;
  private static final int MAX_ITERATIONS = 10_000;
  private static final double CENTRE = 1000;
  private static final double ELO_PER_LN = 400 / Math.log(10);
  private static final Set<String> CHOICES = Set.of("a", "b", "tie", "both_bad");

  private final int replicates;
  private final double prior;

  /** Decisions between the same two models with the same choice, counted. */
  public record Tally(String modelA, String modelB, String choice, long count) {
    public Tally {
      Objects.requireNonNull(modelA, "modelA");
      Objects.requireNonNull(modelB, "modelB");
      if (!CHOICES.contains(choice)) {
        throw new IllegalArgumentException("choice must be one of a, b, tie, both_bad (got '" + choice + "')");
      }
      if (count < 0) {
        throw new IllegalArgumentException("count must not be negative");
      }
    }
  }

  /** One ranked model: its rating with a 95% interval, and what it is based on. */
  public record Entry(int rank, String model, double rating, double ciLower, double ciUpper, long wins, long losses,
      long ties, long comparisons) {}

  /**
   * The leaderboard: ranked models, best first; models that appear only in {@code both_bad}
   * decisions (nothing to rank them by); how many decisions were counted and how many were
   * {@code both_bad}; the number of bootstrap replicates.
   */
  public record Standings(List<Entry> entries, List<String> unrankable, long decisions, long bothBad, int replicates) {
    public Standings {
      entries = List.copyOf(entries);
      unrankable = List.copyOf(unrankable);
    }

    /** One row per model, ranked ones first; unrankable ones with empty rank and rating. */
    public String toCsv() {
      StringBuilder csv = new StringBuilder("rank,model,rating,ci_lower,ci_upper,wins,losses,ties,comparisons\n");
      for (Entry e : entries) {
        csv.append(e.rank()).append(',').append(csvText(e.model())).append(',').append(decimal(e.rating())).append(',')
            .append(decimal(e.ciLower())).append(',').append(decimal(e.ciUpper())).append(',').append(e.wins())
            .append(',').append(e.losses()).append(',').append(e.ties()).append(',').append(e.comparisons()).append('\n');
      }
      for (String model : unrankable) {
        csv.append(',').append(csvText(model)).append(",,,,0,0,0,0\n");
      }
      return csv.toString();
    }
  }

  /** {@value #DEFAULT_REPLICATES} replicates and a prior of {@value #DEFAULT_PRIOR} virtual games per model. */
  public Leaderboard() {
    this(DEFAULT_REPLICATES, DEFAULT_PRIOR);
  }

  public Leaderboard(int replicates, double prior) {
    if (replicates < 1) {
      throw new IllegalArgumentException("replicates must be at least 1");
    }
    if (!(prior > 0 && prior <= 10)) {
      throw new IllegalArgumentException("prior must be in (0, 10]");
    }
    this.replicates = replicates;
    this.prior = prior;
  }

  public Standings rank(Collection<Tally> tallies, RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    TreeSet<String> names = new TreeSet<>();
    List<Cell> cells = new ArrayList<>();
    long bothBad = 0;
    for (Tally t : tallies) {
      names.add(t.modelA());
      names.add(t.modelB());
      if ("both_bad".equals(t.choice())) {
        bothBad += t.count();
      }
    }
    List<String> models = List.copyOf(names);
    for (Tally t : tallies) {
      if (!"both_bad".equals(t.choice()) && !t.modelA().equals(t.modelB()) && t.count() > 0) {
        cells.add(new Cell(models.indexOf(t.modelA()), models.indexOf(t.modelB()), t.choice(), t.count()));
      }
    }
    long[] counts = cells.stream().mapToLong(Cell::count).toArray();
    Fit point = fit(models.size(), cells, counts);
    double[][] samples = bootstrap(models.size(), cells, counts, random);

    List<Entry> unsorted = new ArrayList<>();
    List<String> unrankable = new ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      if (!point.present()[i]) {
        unrankable.add(models.get(i));
        continue;
      }
      long wins = 0;
      long losses = 0;
      long ties = 0;
      for (Cell c : cells) {
        if (c.a() != i && c.b() != i) {
          continue;
        }
        if (c.winner() < 0) {
          ties += c.count();
        } else if (c.winner() == i) {
          wins += c.count();
        } else {
          losses += c.count();
        }
      }
      double rating = point.ratings()[i];
      double[] own = samples[i];
      unsorted.add(new Entry(0, models.get(i), rating, own.length == 0 ? rating : percentile(own, 0.025),
          own.length == 0 ? rating : percentile(own, 0.975), wins, losses, ties, wins + losses + ties));
    }
    unsorted.sort(Comparator.comparingDouble(Entry::rating).reversed().thenComparing(Entry::model));
    List<Entry> ranked = new ArrayList<>();
    for (Entry e : unsorted) {
      ranked.add(new Entry(ranked.size() + 1, e.model(), e.rating(), e.ciLower(), e.ciUpper(), e.wins(), e.losses(),
          e.ties(), e.comparisons()));
    }
    return new Standings(ranked, unrankable, Arrays.stream(counts).sum(), bothBad, replicates);
  }

  /** Counted decisions between models {@code a} and {@code b} (indexes) with one choice. */
  private record Cell(int a, int b, String choice, long count) {
    /** The index of the model that won, or -1 for a tie. */
    int winner() {
      return switch (choice) {
        case "a" -> a;
        case "b" -> b;
        default -> -1;
      };
    }
  }

  /** Ratings of the models that took part ({@code present}); the others' ratings are meaningless. */
  private record Fit(double[] ratings, boolean[] present) {}

  /** Per model, its ratings in the replicates it took part in, sorted. */
  private double[][] bootstrap(int m, List<Cell> cells, long[] counts, RandomGenerator random) {
    long total = Arrays.stream(counts).sum();
    long[] cumulative = new long[counts.length];
    long running = 0;
    for (int c = 0; c < counts.length; c++) {
      running += counts[c];
      cumulative[c] = running;
    }
    double[][] values = new double[m][replicates];
    int[] filled = new int[m];
    for (int r = 0; r < replicates && total > 0; r++) {
      long[] resampled = new long[counts.length];
      for (long k = 0; k < total; k++) {
        int found = Arrays.binarySearch(cumulative, random.nextLong(total) + 1);
        resampled[found >= 0 ? found : -found - 1]++;
      }
      Fit fit = fit(m, cells, resampled);
      for (int i = 0; i < m; i++) {
        if (fit.present()[i]) {
          values[i][filled[i]++] = fit.ratings()[i];
        }
      }
    }
    double[][] sorted = new double[m][];
    for (int i = 0; i < m; i++) {
      sorted[i] = Arrays.copyOf(values[i], filled[i]);
      Arrays.sort(sorted[i]);
    }
    return sorted;
  }

  /**
   * The MM iteration (Hunter 2004) with the virtual-tie prior, on the decisions {@code counts} gives
   * per cell. Strengths are rescaled to geometric mean 1 after every step: the likelihood does not
   * see a common factor, and without the rescaling that direction would only drift.
   */
  private Fit fit(int m, List<Cell> cells, long[] counts) {
    double[][] games = new double[m][m];
    double[] score = new double[m]; // wins, ties as halves
    boolean[] present = new boolean[m];
    for (int c = 0; c < cells.size(); c++) {
      Cell cell = cells.get(c);
      double n = counts[c];
      if (n == 0) {
        continue;
      }
      games[cell.a()][cell.b()] += n;
      games[cell.b()][cell.a()] += n;
      present[cell.a()] = true;
      present[cell.b()] = true;
      if (cell.winner() < 0) {
        score[cell.a()] += n / 2;
        score[cell.b()] += n / 2;
      } else {
        score[cell.winner()] += n;
      }
    }
    int[] ranked = IntStream.range(0, m).filter(i -> present[i]).toArray();
    double[] ratings = new double[m];
    if (ranked.length < 2) {
      return new Fit(ratings, present);
    }
    double virtualTies = prior / (ranked.length - 1);
    for (int i : ranked) {
      score[i] += prior / 2;
      for (int j : ranked) {
        if (i != j) {
          games[i][j] += virtualTies;
        }
      }
    }
    double[] logP = new double[m];
    double[] next = new double[m];
    double[] p = new double[m];
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      for (int i : ranked) {
        p[i] = Math.exp(logP[i]);
      }
      double meanLog = 0;
      for (int i : ranked) {
        double denominator = 0;
        for (int j : ranked) {
          if (i != j) {
            denominator += games[i][j] / (p[i] + p[j]);
          }
        }
        next[i] = Math.log(score[i] / denominator);
        meanLog += next[i];
      }
      meanLog /= ranked.length;
      double largestStep = 0;
      for (int i : ranked) {
        next[i] -= meanLog;
        largestStep = Math.max(largestStep, Math.abs(next[i] - logP[i]));
      }
      double[] swap = logP;
      logP = next;
      next = swap;
      if (largestStep < TOLERANCE) {
        break;
      }
    }
    for (int i : ranked) {
      ratings[i] = CENTRE + ELO_PER_LN * logP[i];
    }
    return new Fit(ratings, present);
  }

  /** The q-quantile of sorted values, interpolating linearly between neighbours. */
  private static double percentile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
  }

  private static String decimal(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** Quotes when needed; a leading =, +, - or @ is defused so a spreadsheet never runs it as a formula. */
  private static String csvText(String value) {
    String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
      return '"' + safe.replace("\"", "\"\"") + '"';
    }
    return safe;
  }
}
