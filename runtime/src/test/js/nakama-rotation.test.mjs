// A signing-key rotation seen by the unmodified nakama-js SDK. Run by
// io.guildhall.runtime.sdk.NakamaJsSdkTest in three phases against three server starts on one store:
//
//   sign-in  (keys A):                    sign in, save the session's tokens to GUILDHALL_STATE_FILE
//   rotated  (keys B, previous keys A):   the saved session still works, used and refreshed
//   removed  (keys B only):               the saved session is over
//
// Environment: GUILDHALL_HOST, GUILDHALL_PORT, GUILDHALL_SERVER_KEY, GUILDHALL_ROTATION_PHASE,
// GUILDHALL_STATE_FILE.

import { after, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { kid, saved } from "./rotation-state.mjs";
import { Client, Session } from "@heroiclabs/nakama-js";

const HOST = process.env.GUILDHALL_HOST || "127.0.0.1";
const PORT = process.env.GUILDHALL_PORT || "7350";
const SERVER_KEY = process.env.GUILDHALL_SERVER_KEY || "defaultkey";
const PHASE = process.env.GUILDHALL_ROTATION_PHASE;
const STATE_FILE = process.env.GUILDHALL_STATE_FILE;

console.warn = () => {}; // the SDK's "lifetime too short" warnings for the default 60 s tokens

/** autoRefresh on: the SDK refreshes before each call, as the default 60 s tokens are "short". */
const refreshing = new Client(SERVER_KEY, HOST, PORT, false, 7000, true);
/** autoRefresh off: presents exactly the saved session token. */
const plain = new Client(SERVER_KEY, HOST, PORT, false, 7000, false);

after(() => setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref());

test("phase " + PHASE, async () => {
  if (PHASE === "sign-in") {
    const session = await refreshing.authenticateDevice("device-" + randomUUID(), true, undefined, { k: "v" });
    writeFileSync(STATE_FILE, JSON.stringify({
      token: session.token, refresh_token: session.refresh_token, user_id: session.user_id, kid: kid(session.token),
    }));
  } else if (PHASE === "rotated") {
    const { state, session } = saved(STATE_FILE, Session);
    // the session token signed with the previous key is still accepted as it is
    const account = await plain.getAccount(session);
    assert.equal(account.user.id, state.user_id);
    // and its refresh token, signed with the previous refresh key, still refreshes
    const refreshed = await refreshing.sessionRefresh(session);
    assert.equal(refreshed.user_id, state.user_id);
    assert.equal(refreshed.vars.k, "v");
    assert.notEqual(kid(refreshed.token), state.kid, "new tokens are signed with the new key");
    assert.equal((await refreshing.getAccount(refreshed)).user.id, state.user_id);
  } else if (PHASE === "removed") {
    const { session } = saved(STATE_FILE, Session);
    await assert.rejects(plain.getAccount(session), (response) => response.status === 401);
    await assert.rejects(plain.sessionRefresh(session), (response) => response.status === 401);
  } else {
    assert.fail("GUILDHALL_ROTATION_PHASE must be sign-in, rotated or removed, got " + PHASE);
  }
});
