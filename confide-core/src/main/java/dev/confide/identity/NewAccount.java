package dev.confide.identity;

import java.time.LocalDate;

/** A sign-up as the person entered it; validated by {@link Accounts#signUp}. */
public record NewAccount(String name, String email, char[] password, LocalDate birthDate) {}
