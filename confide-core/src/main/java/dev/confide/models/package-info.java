/**
 * Model providers behind one small interface: any OpenAI-compatible upstream over the JDK HTTP
 * client (OpenAI, vLLM, Ollama, llama.cpp server, LM Studio), and built-in offline models so the
 * embedded default works with no network and no key. Also token counting (jtokkit) and the model
 * catalog that maps a model name to its provider.
 */
package dev.confide.models;
