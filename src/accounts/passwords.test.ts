import { describe, expect, it } from "vitest";
import {
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  passwordProblem,
  verifyAgainstDecoy,
  verifyPassword,
} from "./passwords.ts";

/** Password storage (argon2id, OWASP parameters) and the rules for new passwords. */

describe("hashPassword", () => {
  it("argon2id v19 with m=19456 KiB, t=2, p=1, a 16-byte salt and 32-byte hash", async () => {
    const hash = await hashPassword("crumbs-on-the-counter");
    expect(hash).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
  });

  it("salts: the same password hashes differently each time", async () => {
    const [a, b] = await Promise.all([
      hashPassword("same-password!"),
      hashPassword("same-password!"),
    ]);
    expect(a).not.toBe(b);
  });
});

describe("verifyPassword", () => {
  it("true for the password, false for any other", async () => {
    const hash = await hashPassword("Correct horse battery");
    expect(await verifyPassword(hash, "Correct horse battery")).toBe(true);
    expect(await verifyPassword(hash, "correct horse battery")).toBe(false);
    expect(await verifyPassword(hash, "Correct horse battery ")).toBe(false);
    expect(await verifyPassword(hash, "")).toBe(false);
  });

  it("false, never an exception, for a hash it cannot read", async () => {
    for (const broken of ["", "plaintext", "$argon2id$v=19$m=1,t=1,p=1$x$y", "$2b$10$abc"]) {
      expect(await verifyPassword(broken, "anything")).toBe(false);
    }
  });

  it("handles non-ASCII passwords", async () => {
    const hash = await hashPassword("Brötchen-Bäckerei-🥐");
    expect(await verifyPassword(hash, "Brötchen-Bäckerei-🥐")).toBe(true);
    expect(await verifyPassword(hash, "Brotchen-Backerei-🥐")).toBe(false);
  });
});

describe("verifyAgainstDecoy", () => {
  it("always false, whatever the password", async () => {
    expect(await verifyAgainstDecoy("")).toBe(false);
    expect(await verifyAgainstDecoy("crumbs-on-the-counter")).toBe(false);
  });
});

describe("passwordProblem", () => {
  it("accepts a long, uncommon password", () => {
    expect(passwordProblem("crumbs-on-the-counter", { email: "ada@example.com", name: "Ada" }))
      .toBeNull();
    expect(passwordProblem("x".repeat(MAX_PASSWORD_LENGTH))).toBeNull();
    expect(passwordProblem("a9$kQ2!zpL")).toBeNull();
  });

  it(`needs at least ${MIN_PASSWORD_LENGTH} and at most ${MAX_PASSWORD_LENGTH} characters`, () => {
    expect(passwordProblem("")).toBe("Use at least 10 characters.");
    expect(passwordProblem("a9$kQ2!zp")).toBe("Use at least 10 characters.");
    expect(passwordProblem("x".repeat(MAX_PASSWORD_LENGTH + 1))).toBe(
      "Use at most 256 characters.",
    );
  });

  it.each(["password123", "qwertyuiop", "1234567890", "QWERTYUIOP", "Password123"])(
    "refuses the common password %s",
    (password) => {
      expect(passwordProblem(password)).toBe(
        "This password is on a list of common passwords. Choose one that is harder to guess.",
      );
    },
  );

  it("refuses the email address or its local part, in any capitals", () => {
    const about = { email: "Baker.Benedikt@Example.com" };
    const message = "Don't use your email address as your password.";
    expect(passwordProblem("baker.benedikt@example.com", about)).toBe(message);
    expect(passwordProblem("BAKER.BENEDIKT", about)).toBe(message);
  });

  it("refuses the name", () => {
    expect(passwordProblem("Benedikt the Baker", { name: "benedikt the baker" })).toBe(
      "Don't use your name as your password.",
    );
  });
});
