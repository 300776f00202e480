/**
 * The web app for people: server-rendered pages (jte templates compiled at build time, htmx for
 * partial updates) and one script of our own, {@code /assets/confide.js}. Pages read through the
 * core services; every change goes through the JSON API from the browser with the session's CSRF
 * token, so the API stays the one place where rules are enforced. Every HTML response carries a
 * strict Content-Security-Policy (no inline script). The staff console lives here too, under
 * {@code /staff} ({@link dev.confide.web.StaffPages}): shells filled from {@code /api/admin} by
 * {@code /assets/staff.js}, so staff reads stay role-checked and audited by the API.
 */
package dev.confide.web;
