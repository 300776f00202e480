package dev.confide.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Maps each model name to the one provider that serves it. */
public final class ModelCatalog {
  private final Map<String, ModelProvider> byModel = new LinkedHashMap<>();
  private final List<ModelProvider> providers;

  /** A model served by a provider. */
  public record Entry(String model, ModelProvider.Description provider) {}

  public ModelCatalog(List<ModelProvider> providers) {
    this.providers = List.copyOf(providers);
    for (ModelProvider provider : providers) {
      for (String model : provider.models()) {
        ModelProvider previous = byModel.putIfAbsent(model, provider);
        if (previous != null) {
          throw new IllegalArgumentException("model '" + model + "' is served by both '"
              + previous.description().name() + "' and '" + provider.description().name() + "'");
        }
      }
    }
  }

  public Optional<ModelProvider> providerFor(String model) {
    return Optional.ofNullable(model == null ? null : byModel.get(model));
  }

  public List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    byModel.forEach((model, provider) -> entries.add(new Entry(model, provider.description())));
    return entries;
  }

  public List<String> models() {
    return List.copyOf(byModel.keySet());
  }

  public List<ModelProvider> providers() {
    return providers;
  }
}
