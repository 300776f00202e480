package dev.confide.web;

/**
 * What the layout shows around every page. {@code csrfToken} is null when nobody is signed in;
 * {@code analytics} says whether analytics may run (consent given, no Global Privacy Control).
 */
public record Frame(String title, String section, String userName, String csrfToken, boolean cookieBanner,
    boolean analytics, boolean gpc) {

  public boolean signedIn() {
    return csrfToken != null;
  }
}
