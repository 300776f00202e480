package dev.confide.disclosure;

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

  public Optional<Processor> find(String name) {
    return Optional.ofNullable(name == null ? null : byName.get(name));
  }

  /** Every processor, ordered by name (for the admin API and the policy page). */
  public List<Processor> all() {
    return List.copyOf(new TreeMap<>(byName).values());
  }
}
