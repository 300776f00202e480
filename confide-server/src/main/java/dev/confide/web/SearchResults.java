package dev.confide.web;

import dev.confide.chat.ConversationSummary;
import java.util.List;

/** What a history search found, and whether the history was longer than what was searched. */
public record SearchResults(String query, List<ConversationSummary> conversations, boolean cut) {}
