/**
 * Conversations, messages, comparisons and feedback. A conversation is a tree of sealed messages;
 * editing a user message or regenerating an answer adds a sibling version (P10) and moves the
 * conversation's head, so the current branch is the path from the head to the root. {@link
 * dev.confide.chat.ChatService} runs a turn: rate limit, store the user's message, call the
 * provider (streamed), store the answer (or what arrived before a failure), record usage. Owns
 * {@code conversations}, {@code messages}, {@code comparisons} and {@code message_feedback}.
 */
package dev.confide.chat;
