import { errors, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { Role } from "./roles.ts";
import { randomToken, sha256Hex } from "../infra/digest.ts";

/** Short-lived access tokens (JWT, HS256 pinned) and long-lived random refresh tokens. */
export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_DAYS = 30;
const ISSUER = "crumb";
const AUDIENCE = "crumb";
const ALGORITHM = "HS256";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AccessClaims {
  userId: number;
  role: Role;
  jti: string;
  sessionId: string;
  issuedAt: number;
  expiresAt: number;
}

/** Why a token was refused: a code for programs and a sentence for people. */
export class TokenError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "TokenError";
  }
}

export interface TokenKeys {
  kid: string;
  secret: string;
}

export function createTokens(keys: TokenKeys[], now: () => Date = () => new Date()) {
  const encoded = keys.map((k) => ({ kid: k.kid, key: new TextEncoder().encode(k.secret) }));
  const signing = encoded[0];

  return {
    async sign(user: { id: number; role: Role }, sessionId: string) {
      const issuedAt = Math.floor(now().getTime() / 1000);
      const jti = crypto.randomUUID();
      const token = await new SignJWT({ role: user.role, sid: sessionId })
        .setProtectedHeader({ alg: ALGORITHM, kid: signing.kid, typ: "JWT" })
        .setSubject(String(user.id))
        .setJti(jti)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setNotBefore(issuedAt)
        .setExpirationTime(issuedAt + ACCESS_TOKEN_SECONDS)
        .sign(signing.key);
      return { token, jti, expiresAt: issuedAt + ACCESS_TOKEN_SECONDS };
    },

    /** The claims of a valid token; throws TokenError saying what is wrong otherwise. */
    async verify(token: string): Promise<AccessClaims> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, (header) => {
          const found = encoded.find((k) => k.kid === header.kid);
          if (!found) {
            throw new TokenError("token_invalid", "The token was signed by an unknown key.");
          }
          return found.key;
        }, {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: now(),
          requiredClaims: ["sub", "jti", "iat", "exp", "nbf"],
        }));
      } catch (error) {
        throw describe(error);
      }
      const userId = Number(payload.sub);
      const role = payload.role;
      // No token outlives the lifetime this server gives (one minted with a stolen key for
      // years, say).
      if (payload.exp! - payload.iat! > ACCESS_TOKEN_SECONDS) {
        throw new TokenError("token_invalid", "The token's lifetime is longer than allowed.");
      }
      // Shapes the database accepts, so a malformed claim is a 401 and never a failed query.
      if (
        !/^[1-9]\d{0,9}$/.test(payload.sub ?? "") || userId > 2 ** 31 - 1 ||
        typeof payload.sid !== "string" || !UUID.test(payload.sid) || typeof role !== "string"
      ) {
        throw new TokenError("token_invalid", "The token's claims are missing or malformed.");
      }
      return {
        userId,
        role: role as Role,
        jti: payload.jti!,
        sessionId: payload.sid,
        issuedAt: payload.iat!,
        expiresAt: payload.exp!,
      };
    },
  };
}

export type Tokens = ReturnType<typeof createTokens>;

function describe(error: unknown): TokenError {
  if (error instanceof TokenError) return error;
  if (error instanceof errors.JWTExpired) {
    return new TokenError(
      "token_expired",
      "The access token has expired. Refresh it or sign in again.",
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf" || error.claim === "iat") {
      return new TokenError("token_not_yet_valid", "The access token is not valid yet.");
    }
    return new TokenError("token_invalid", `The access token's ${error.claim} claim is wrong.`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new TokenError(
      "token_invalid",
      "The token uses an algorithm this server does not accept.",
    );
  }
  return new TokenError("token_invalid", "The access token is not valid.");
}

/** A new refresh token: 256 random bits, URL-safe. Only its hash is stored. */
export const newRefreshToken = () => randomToken(32);

export const hashToken = sha256Hex;
