import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';

/**
 * Telegram's side of two-step verification (SRP-2048, https://core.telegram.org/api/srp)
 * for one password, so a scripted login can check what gramjs' `computeCheck` sends exactly
 * as Telegram would. Each challenge is good for one check.
 */

// Telegram's 2048-bit safe prime, with g = 3 (the pair gramjs accepts).
const P_HEX =
  'c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b';
const P = BigInt(`0x${P_HEX}`);
const G = 3n;

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const salted = (data: Buffer, salt: Buffer) => sha256(salt, data, salt);
const toBuffer = (n: bigint) => Buffer.from(n.toString(16).padStart(512, '0'), 'hex');
const toBig = (b: Buffer) => BigInt(`0x${b.toString('hex') || '0'}`);

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

export interface SrpServer {
  /** A fresh `account.password` challenge, as `account.getPassword` returns it. */
  challenge(): Api.account.Password;
  /** Whether `check` (from `auth.checkPassword`) proves the password for its challenge. */
  verify(check: Api.TypeInputCheckPasswordSRP): boolean;
}

export function createSrpServer(password: string, hint = ''): SrpServer {
  const salt1 = randomBytes(40);
  const salt2 = randomBytes(16);
  const ph1 = salted(salted(Buffer.from(password, 'utf8'), salt1), salt2);
  const ph2 = salted(pbkdf2Sync(ph1, salt1, 100_000, 64, 'sha512'), salt2);
  const x = toBig(ph2);
  const v = modPow(G, x, P);
  const k = toBig(sha256(toBuffer(P), toBuffer(G)));
  const pending = new Map<string, { b: bigint; B: bigint }>();
  let nextId = 1n;

  return {
    challenge() {
      const b = toBig(randomBytes(256)) % P;
      const B = (k * v + modPow(G, b, P)) % P;
      const id = nextId++;
      pending.set(String(id), { b, B });
      return new Api.account.Password({
        hasPassword: true,
        hint,
        currentAlgo: new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({
          salt1,
          salt2,
          g: Number(G),
          p: toBuffer(P),
        }),
        srp_B: toBuffer(B),
        srpId: bigIntOf(id),
        newAlgo: new Api.PasswordKdfAlgoUnknown(),
        newSecureAlgo: new Api.SecurePasswordKdfAlgoUnknown(),
        secureRandom: randomBytes(32),
      });
    },
    verify(check) {
      if (!(check instanceof Api.InputCheckPasswordSRP)) return false;
      const state = pending.get(check.srpId.toString());
      pending.delete(check.srpId.toString());
      if (!state) return false;
      const A = toBig(check.A);
      const u = toBig(sha256(toBuffer(A), toBuffer(state.B)));
      const S = modPow((A * modPow(v, u, P)) % P, state.b, P);
      const K = sha256(toBuffer(S));
      const hp = sha256(toBuffer(P));
      const hg = sha256(toBuffer(G));
      const xor = Buffer.from(hp.map((byte, i) => byte ^ (hg[i] ?? 0)));
      const M1 = sha256(xor, sha256(salt1), sha256(salt2), toBuffer(A), toBuffer(state.B), K);
      return M1.equals(Buffer.from(check.M1));
    },
  };
}

function bigIntOf(n: bigint) {
  // gramjs' TL layer takes its own big-integer values for `long` fields.
  return returnBigInt(n.toString());
}
