package dev.confide.web;

import dev.confide.notify.Notices.Notice;
import java.util.List;

/**
 * What the layout shows around every page. {@code csrfToken} is null when nobody is signed in;
 * {@code analytics} says whether analytics may run (consent given, no Global Privacy Control);
 * {@code pendingNotices} are the notices the visitor has yet to acknowledge (P33, P35), shown at
 * the top of every page until they are.
 */
public record Frame(String title, String section, String userName, String csrfToken, boolean cookieBanner,
    boolean analytics, boolean gpc, List<Notice> pendingNotices) {

  public boolean signedIn() {
    return csrfToken != null;
  }
}
