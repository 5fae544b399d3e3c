// An analytics signing-key rotation seen by the unmodified satori-js SDK. Run by
// io.guildhall.runtime.sdk.SatoriJsSdkTest in three phases against three server starts on one store:
//
//   sign-in  (keys A):                    authenticate, save the session's tokens to GUILDHALL_STATE_FILE
//   rotated  (keys B, previous keys A):   the saved session still works, used and refreshed
//   removed  (keys B only):               the saved session is over
//
// Environment: GUILDHALL_HOST, GUILDHALL_ANALYTICS_PORT, GUILDHALL_API_KEY, GUILDHALL_ROTATION_PHASE,
// GUILDHALL_STATE_FILE. satori-xhr-shim.mjs says why the SDK needs an XMLHttpRequest shim.

import { after, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { kid, saved } from "./rotation-state.mjs";
import "./satori-xhr-shim.mjs";


const { Client, Session } = await import("@heroiclabs/satori-js");

const HOST = process.env.GUILDHALL_HOST || "127.0.0.1";
const PORT = process.env.GUILDHALL_ANALYTICS_PORT || "7450";
const API_KEY = process.env.GUILDHALL_API_KEY;
const PHASE = process.env.GUILDHALL_ROTATION_PHASE;
const STATE_FILE = process.env.GUILDHALL_STATE_FILE;

/** autoRefresh off: presents exactly the saved session token. */
const client = new Client(API_KEY, HOST, PORT, false, 7000, false);

async function rejectsWithStatus(promise, status) {
  try {
    await promise;
  } catch (response) {
    assert.equal(response.status, status, `expected HTTP ${status}, got ${response.status ?? response}`);
    return;
  }
  assert.fail(`expected HTTP ${status}, but the call succeeded`);
}

after(() => setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref());

test("phase " + PHASE, async () => {
  if (PHASE === "sign-in") {
    const session = await client.authenticate("sdk" + randomUUID().replaceAll("-", ""));
    writeFileSync(STATE_FILE, JSON.stringify({
      token: session.token, refresh_token: session.refresh_token, user_id: session.user_id, kid: kid(session.token),
    }));
  } else if (PHASE === "rotated") {
    const { state, session } = saved(STATE_FILE, Session);
    // the session token signed with the previous key is still accepted as it is
    assert.equal(await client.event(session, { name: "after_rotation", value: "1" }), true);
    await client.listProperties(session);
    // and its refresh token, signed with the previous refresh key, still refreshes
    const refreshed = await client.sessionRefresh(session);
    assert.ok(state.user_id, "satori-js reads user_id from uid");
    assert.equal(refreshed.user_id, state.user_id);
    assert.notEqual(kid(refreshed.token), state.kid, "new tokens are signed with the new key");
    assert.equal(await client.event(refreshed, { name: "after_refresh", value: "1" }), true);
  } else if (PHASE === "removed") {
    const { session } = saved(STATE_FILE, Session);
    await rejectsWithStatus(client.listProperties(session), 401);
    await rejectsWithStatus(client.sessionRefresh(session), 401);
  } else {
    assert.fail("GUILDHALL_ROTATION_PHASE must be sign-in, rotated or removed, got " + PHASE);
  }
});
