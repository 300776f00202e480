/**
 * The HTTP face of Confide: the JSON API under {@code /api}, the policy page at {@code /privacy},
 * health and metrics, authentication by sealed session cookie or API key, CSRF checks, JSON errors
 * with stable codes, and built-in TLS.
 */
package dev.confide.http;
