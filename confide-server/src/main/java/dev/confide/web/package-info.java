/**
 * The web app for people: server-rendered pages (jte templates compiled at build time, htmx for
 * partial updates) and one script of our own, {@code /assets/confide.js}. Pages read through the
 * core services; every change goes through the JSON API from the browser with the session's CSRF
 * token, so the API stays the one place where rules are enforced. Every HTML response carries a
 * strict Content-Security-Policy (no inline script). The staff console is to live here too, under
 * {@code /staff}, as one more page group registered by {@link dev.confide.web.WebApp}.
 */
package dev.confide.web;
