package dev.confide.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.confide.analytics.Leaderboard.Entry;
import dev.confide.analytics.Leaderboard.Standings;
import dev.confide.analytics.Leaderboard.Tally;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Bradley–Terry leaderboards on synthetic decisions whose true strengths are known. Decisions are
 * drawn from a seeded generator, and the bootstrap uses one too, so every run sees the same numbers.
 */
class LeaderboardTest {
  private final Leaderboard leaderboard = new Leaderboard();

  /**
   * Twenty synthetic data sets from known ratings 150 points apart: every time the order is right
   * and the intervals do not overlap, and each 95% interval holds the true rating in at least 17 of
   * the 20 (19 expected; 16 or fewer has probability below 2% if the intervals are right).
   */
  @Test
  void theStrongerModelRanksFirstAndTheIntervalsHoldTheTruth() {
    Map<String, Double> truth = Map.of("strong", 1150.0, "middle", 1000.0, "weak", 850.0); // centred on 1000, as ratings are
    Map<String, Integer> covered = new HashMap<>();
    for (int seed = 1; seed <= 20; seed++) {
      Standings standings = leaderboard.rank(simulate(truth, 1500, new SplittableRandom(seed)), new SplittableRandom(seed));

      assertThat(standings.entries()).extracting(Entry::model).containsExactly("strong", "middle", "weak");
      assertThat(standings.entries()).extracting(Entry::rank).containsExactly(1, 2, 3);
      assertThat(standings.decisions()).isEqualTo(4500);
      assertThat(standings.entries().get(0).ciLower()).isGreaterThan(standings.entries().get(1).ciUpper());
      assertThat(standings.entries().get(1).ciLower()).isGreaterThan(standings.entries().get(2).ciUpper());
      for (Entry e : standings.entries()) {
        assertThat(e.rating()).isBetween(e.ciLower(), e.ciUpper());
        assertThat(e.ciUpper() - e.ciLower()).as("interval width of " + e.model()).isBetween(5.0, 60.0);
        assertThat(e.comparisons()).isEqualTo(3000).isEqualTo(e.wins() + e.losses() + e.ties());
        if (truth.get(e.model()) >= e.ciLower() && truth.get(e.model()) <= e.ciUpper()) {
          covered.merge(e.model(), 1, Integer::sum);
        }
      }
    }
    assertThat(covered).allSatisfy((model, n) -> assertThat(n).as(model).isGreaterThanOrEqualTo(17)).hasSize(3);
  }

  /** {@code games} decisions for each pair, won with the Bradley–Terry probability of the true ratings. */
  private static List<Tally> simulate(Map<String, Double> truth, int games, SplittableRandom random) {
    List<Tally> tallies = new ArrayList<>();
    for (String[] pair : new String[][] {{"strong", "middle"}, {"middle", "weak"}, {"strong", "weak"}}) {
      double pA = 1 / (1 + Math.pow(10, (truth.get(pair[1]) - truth.get(pair[0])) / 400));
      long aWins = 0;
      for (int i = 0; i < games; i++) {
        aWins += random.nextDouble() < pA ? 1 : 0;
      }
      tallies.add(new Tally(pair[0], pair[1], "a", aWins));
      tallies.add(new Tally(pair[0], pair[1], "b", games - aWins));
    }
    return tallies;
  }

  @Test
  void aTieIsHalfAWinForEachSide() {
    // 10 wins and 10 ties for x: a score of 15 to 5, so x is 3 times as strong (400·log10(3) ≈ 190.8 points).
    Standings mixed = leaderboard.rank(List.of(new Tally("x", "y", "a", 10), new Tally("x", "y", "tie", 10)),
        new SplittableRandom(1));
    Entry x = mixed.entries().get(0);
    Entry y = mixed.entries().get(1);
    assertThat(x.model()).isEqualTo("x");
    assertThat(x.rating() - y.rating()).isCloseTo(400 * Math.log10(3), within(2.0));
    assertThat(x.wins()).isEqualTo(10);
    assertThat(x.ties()).isEqualTo(10);
    assertThat(y.losses()).isEqualTo(10);

    // The same score reached by wins alone gives the same ratings.
    Standings wins = leaderboard.rank(List.of(new Tally("x", "y", "a", 15), new Tally("x", "y", "b", 5)),
        new SplittableRandom(1));
    assertThat(wins.entries().get(0).rating()).isCloseTo(x.rating(), within(1e-6));

    Standings allTies = leaderboard.rank(List.of(new Tally("x", "y", "tie", 8)), new SplittableRandom(1));
    assertThat(allTies.entries()).allSatisfy(e -> assertThat(e.rating()).isCloseTo(1000.0, within(1e-6)));
  }

  @Test
  void bothBadDecisionsAreLeftOutAndCounted() {
    List<Tally> decisive = List.of(new Tally("x", "y", "a", 12), new Tally("x", "y", "b", 4), new Tally("y", "z", "a", 9),
        new Tally("y", "z", "tie", 3));
    List<Tally> withBothBad = new ArrayList<>(decisive);
    withBothBad.add(new Tally("x", "y", "both_bad", 50));
    withBothBad.add(new Tally("z", "only-bad", "both_bad", 7));

    Standings without = leaderboard.rank(decisive, new SplittableRandom(3));
    Standings with = leaderboard.rank(withBothBad, new SplittableRandom(3));

    assertThat(with.entries()).isEqualTo(without.entries());
    assertThat(with.decisions()).isEqualTo(28);
    assertThat(with.bothBad()).isEqualTo(57);
    assertThat(with.unrankable()).containsExactly("only-bad");
    assertThat(without.bothBad()).isZero();
  }

  @Test
  void aModelThatNeverWonGetsAFiniteRatingLast() {
    Standings standings = leaderboard.rank(List.of(new Tally("x", "loser", "a", 6), new Tally("x", "y", "a", 3),
        new Tally("x", "y", "b", 3)), new SplittableRandom(5));
    Entry loser = standings.entries().get(2);
    assertThat(loser.model()).isEqualTo("loser");
    assertThat(loser.wins()).isZero();
    assertThat(List.of(loser.rating(), loser.ciLower(), loser.ciUpper())).allSatisfy(v -> assertThat(v).isFinite());
    assertThat(loser.rating()).isLessThan(standings.entries().get(1).rating() - 200);
  }

  @Test
  void theSameSeedGivesTheSameStandings() {
    List<Tally> tallies = List.of(new Tally("x", "y", "a", 7), new Tally("x", "y", "b", 5), new Tally("y", "z", "a", 4),
        new Tally("z", "x", "tie", 2));
    assertThat(leaderboard.rank(tallies, new SplittableRandom(11))).isEqualTo(leaderboard.rank(tallies, new SplittableRandom(11)));
    assertThat(leaderboard.rank(List.of(), new SplittableRandom(11)))
        .isEqualTo(new Standings(List.of(), List.of(), 0, 0, Leaderboard.DEFAULT_REPLICATES));
  }

  @Test
  void csvHasOneRowPerModelAndDefusesFormulas() {
    Standings standings = new Standings(
        List.of(new Entry(1, "=HYPERLINK(\"x\")", 1010.04, 990.0, 1030.55, 3, 1, 1, 5),
            new Entry(2, "plain", 989.96, 970.0, 1010.0, 1, 3, 1, 5)),
        List.of("a,b"), 5, 2, 200);
    assertThat(standings.toCsv()).isEqualTo("""
        rank,model,rating,ci_lower,ci_upper,wins,losses,ties,comparisons
        1,"'=HYPERLINK(""x"")",1010.0,990.0,1030.6,3,1,1,5
        2,plain,990.0,970.0,1010.0,1,3,1,5
        ,"a,b",,,,0,0,0,0
        """);
  }

  @Test
  void unknownChoicesAreRefused() {
    assertThatThrownBy(() -> new Tally("x", "y", "draw", 1)).hasMessageContaining("a, b, tie, both_bad");
    assertThatThrownBy(() -> new Leaderboard(0, 0.1)).hasMessageContaining("replicates");
  }
}
