package dev.confide.disclosure;

import dev.confide.policy.Policy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The processors the policy names, by name (P14). Immutable: a new policy file builds a new registry. */
public final class ProcessorRegistry {
  private final Map<String, Processor> byName;

  public ProcessorRegistry(Collection<Processor> processors) {
    Map<String, Processor> map = new TreeMap<>();
    for (Processor p : processors) {
      if (map.putIfAbsent(p.name(), p) != null) {
        throw new IllegalArgumentException("processor '" + p.name() + "' is named twice in the registry");
      }
    }
    this.byName = Map.copyOf(map);
  }

  /**
   * The registry the policy file describes: each processor with the purposes of its kind ({@link
   * Purposes#forKind}), its data categories, country, transfer safeguard and BAA.
   *
   * @throws IllegalArgumentException naming the processor, when its entry cannot be registered
   *     (e.g. a name the disclosure log cannot hold, or no data categories)
   */
  public static ProcessorRegistry fromPolicy(Policy policy) {
    List<Processor> processors = new ArrayList<>();
    for (Policy.Processor p : policy.processors()) {
      processors.add(new Processor(p.name(), Purposes.forKind(p.kind(), policy.training().usesContent()),
          java.util.Set.copyOf(p.categories()), p.country(), TransferMechanism.parse(p.transferMechanism().id()), p.baa()));
    }
    return new ProcessorRegistry(processors);
  }

  public Optional<Processor> find(String name) {
    return Optional.ofNullable(name == null ? null : byName.get(name));
  }

  /** Every processor, ordered by name (for the admin API and the policy page). */
  public List<Processor> all() {
    return List.copyOf(new TreeMap<>(byName).values());
  }
}
