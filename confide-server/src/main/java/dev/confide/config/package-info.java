/**
 * The deployment's configuration: built-in defaults, one YAML file, environment overrides, bound to
 * records and validated with errors that name the key and the problem.
 */
package dev.confide.config;
