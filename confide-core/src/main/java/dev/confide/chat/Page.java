package dev.confide.chat;

import java.util.List;

/** A page of results and the cursor for the next page (null on the last page). */
public record Page<T>(List<T> items, String nextCursor) {}
