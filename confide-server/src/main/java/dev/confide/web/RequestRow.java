package dev.confide.web;

import dev.confide.rights.PrivacyRequests;

/**
 * One privacy request as the privacy center lists it: the deadline as a countdown, the receipt's
 * outcome in words, and whether its archive can still be downloaded.
 */
public record RequestRow(PrivacyRequests.Request request, String countdown, String outcome, boolean downloadable) {
  public boolean open() {
    return request.completedAt() == null;
  }
}
