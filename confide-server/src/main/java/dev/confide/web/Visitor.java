package dev.confide.web;

import java.util.UUID;

/** A signed-in person looking at a page, and the CSRF token their page must echo to the API. */
public record Visitor(UUID subject, String csrfToken) {}
