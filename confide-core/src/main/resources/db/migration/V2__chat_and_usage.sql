-- chat: conversations are trees of messages; head_message_id is the tip of the current branch.
CREATE TABLE conversations (
  id               UUID PRIMARY KEY,
  subject_id       UUID NOT NULL,
  title_sealed     BYTEA NOT NULL,
  head_message_id  UUID,
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  last_activity_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX conversations_by_subject_activity ON conversations (subject_id, last_activity_at, id);

-- chat: every version of every turn; an edit or a regeneration is a sibling under the same parent.
CREATE TABLE messages (
  id              UUID PRIMARY KEY,
  subject_id      UUID NOT NULL,
  conversation_id UUID NOT NULL,
  parent_id       UUID,
  role            VARCHAR(16) NOT NULL,
  content_sealed  BYTEA NOT NULL,
  model           VARCHAR(200),
  status          VARCHAR(16) NOT NULL,
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at);
CREATE INDEX messages_by_subject ON messages (subject_id);

-- chat: two models answering the same user turn, and the user's decision.
CREATE TABLE comparisons (
  id                UUID PRIMARY KEY,
  subject_id        UUID NOT NULL,
  conversation_id   UUID NOT NULL,
  prompt_message_id UUID NOT NULL,
  model_a           VARCHAR(200) NOT NULL,
  model_b           VARCHAR(200) NOT NULL,
  answer_a_id       UUID NOT NULL,
  answer_b_id       UUID NOT NULL,
  choice            VARCHAR(16),
  kept_message_id   UUID,
  created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
  decided_at        TIMESTAMP WITH TIME ZONE
);
CREATE INDEX comparisons_by_conversation ON comparisons (conversation_id);

-- chat: the user's own thumbs up/down, kept with their data (P10).
CREATE TABLE message_feedback (
  message_id UUID PRIMARY KEY,
  subject_id UUID NOT NULL,
  rating     VARCHAR(8) NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- analytics: anonymous events (P06). No subject id, no content, day granularity only.
CREATE TABLE analytics_events (
  id     UUID PRIMARY KEY,
  kind   VARCHAR(32) NOT NULL,
  model  VARCHAR(200),
  rating VARCHAR(16),
  event_day DATE NOT NULL
);
CREATE INDEX analytics_events_by_day ON analytics_events (event_day, kind);

-- usage: one record per model request (P07, P08). Metrics only, never message text.
CREATE TABLE usage_records (
  id                UUID PRIMARY KEY,
  subject_id        UUID NOT NULL,
  api_key_id        UUID,
  endpoint          VARCHAR(16) NOT NULL,
  model             VARCHAR(200) NOT NULL,
  provider          VARCHAR(100) NOT NULL,
  input_chars       INTEGER NOT NULL,
  output_chars      INTEGER NOT NULL,
  prompt_tokens     INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  latency_ms        INTEGER NOT NULL,
  ttft_ms           INTEGER,
  status            VARCHAR(16) NOT NULL,
  created_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX usage_by_subject_time ON usage_records (subject_id, created_at);
CREATE INDEX usage_by_time ON usage_records (created_at);
