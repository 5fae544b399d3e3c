// Drives the unmodified official satori-js SDK (npm @heroiclabs/satori-js 2.5.1) against a running
// Guildhall analytics API. Started by io.guildhall.runtime.sdk.SatoriJsSdkTest; can also be run by hand:
//
//   GUILDHALL_ANALYTICS_PORT=7450 GUILDHALL_API_KEY=<uuid> node --test --test-force-exit satori-sdk.test.mjs
//
// Environment: GUILDHALL_HOST (default 127.0.0.1), GUILDHALL_ANALYTICS_PORT (7450), GUILDHALL_API_KEY,
// and for checking where events landed GUILDHALL_CONSOLE_PORT, GUILDHALL_CONSOLE_EMAIL, GUILDHALL_CONSOLE_PASSWORD.
//
// Notes (docs: shared/spec/analytics-api.md §2, §7, §12):
// - satori-js 2.5.1 needs an XMLHttpRequest shim under node (satori-xhr-shim.mjs says why); that is
//   the only thing provided to the SDK.
// - The SDK rejects with the fetch Response itself on a non-2xx status; only `.status` is asserted.
// - Every SDK call races a 7 s timer that is never cleared: run with --test-force-exit.

import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import "./satori-xhr-shim.mjs";


const { Client, Session } = await import("@heroiclabs/satori-js");

const HOST = process.env.GUILDHALL_HOST || "127.0.0.1";
const PORT = process.env.GUILDHALL_ANALYTICS_PORT || "7450";
const API_KEY = process.env.GUILDHALL_API_KEY;
const CONSOLE_PORT = process.env.GUILDHALL_CONSOLE_PORT;

function newClient() {
  return new Client(API_KEY, HOST, PORT, false, 7000, true);
}

/** An identity id of letters and digits (8-128 of [A-Za-z0-9_-]; no characters js-base64 mangles). */
function newIdentity() {
  return "sdk" + randomUUID().replaceAll("-", "");
}

async function rejectsWithStatus(promise, status) {
  try {
    await promise;
  } catch (response) {
    assert.equal(response.status, status, `expected HTTP ${status}, got ${response.status ?? response}`);
    return;
  }
  assert.fail(`expected HTTP ${status}, but the call succeeded`);
}

async function consoleGet(path) {
  const base = `http://${HOST}:${CONSOLE_PORT}`;
  const login = await fetch(`${base}/v1/console/authenticate`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: process.env.GUILDHALL_CONSOLE_EMAIL, password: process.env.GUILDHALL_CONSOLE_PASSWORD }),
  });
  assert.equal(login.status, 200);
  const { token } = await login.json();
  const reply = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(reply.status, 200);
  return reply.json();
}

after(() => setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref());

describe("satori-js 2.5.1 against Guildhall", () => {
  test("authenticate returns a session with the server's lifetimes", async () => {
    const session = await newClient().authenticate(newIdentity());
    assert.ok(session instanceof Session);
    assert.equal(session.token.split(".").length, 3);
    assert.ok(session.refresh_token.length > 0);
    const now = Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(session.expires_at - (now + 129600)) < 60, `expires_at ${session.expires_at}`);
    assert.ok(Math.abs(session.refresh_expires_at - (now + 604800)) < 60);
  });

  test("a wrong API key is refused", async () => {
    const client = new Client("00000000-0000-4000-8000-000000000000", HOST, PORT, false, 7000, true);
    await rejectsWithStatus(client.authenticate(newIdentity()), 401);
  });

  test("event and events are accepted and attributed to the session", async () => {
    const client = newClient();
    const identity = newIdentity();
    const session = await client.authenticate(identity);
    assert.equal(await client.event(session, { name: "level_start", value: "1" }), true);
    assert.equal(await client.events(session, [
      { name: "level_end", metadata: { score: "200" }, timestamp: new Date().toISOString() },
      { name: "purchase", id: "receipt-1", metadata: {} },
      { name: "purchase", id: "receipt-1", metadata: {} },
    ]), true);
    const { events } = await consoleGet(`/v1/console/identity/${identity}/events`);
    assert.deepEqual(events.map((e) => e.name).sort(), ["level_end", "level_start", "purchase"]);
    assert.ok(events.every((e) => e.kind === "ATTRIBUTED"), JSON.stringify(events));
    const { sessions } = await consoleGet(`/v1/console/identity/${identity}/sessions`);
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].event_count, "3");
  });

  test("properties can be listed and updated", async () => {
    const client = newClient();
    const session = await client.authenticate(newIdentity());
    assert.equal(await client.updateProperties(session, { country: "GB" }, { tier: "gold" }), true);
    const properties = await client.listProperties(session);
    assert.equal(properties.default.country, "GB");
    assert.equal(properties.custom.tier, "gold");
  });

  test("flags from the configuration, with a session and with the API key alone", async () => {
    const client = newClient();
    const session = await client.authenticate(newIdentity());
    const flags = await client.getFlags(session);
    assert.deepEqual(flags.flags, [{ name: "theme", value: "dark" }]);
    assert.equal((await client.getFlag(session, "theme")).value, "dark");
    assert.equal((await client.getFlagWithFallback(session, "missing", "x")).value, "x");
    assert.deepEqual((await client.getFlagsDefault(["theme"])).flags, [{ name: "theme", value: "dark" }]);
    assert.equal((await client.getFlagDefaultWithFallback("missing", "y")).value, "y");
    assert.deepEqual(await client.getExperiments(session), {});
    assert.deepEqual(await client.getLiveEvents(session), {});
  });

  test("identify gives a new session for the new identity; the old one is unusable", async () => {
    const client = newClient();
    const anonymous = await client.authenticate(newIdentity());
    const known = newIdentity();
    const identified = await client.identify(anonymous, known, { source: "sdk" }, {});
    assert.notEqual(identified.token, anonymous.token);
    assert.equal((await client.listProperties(identified)).default.source, "sdk");
    await rejectsWithStatus(client.listProperties(anonymous), 401);
  });

  test("refresh gives a new usable session; logout ends both old tokens", async () => {
    const client = newClient();
    const session = await client.authenticate(newIdentity());
    const refreshed = await client.sessionRefresh(session);
    assert.ok(refreshed instanceof Session);
    assert.ok(refreshed.refresh_token.length > 0);
    assert.equal(await client.event(refreshed, { name: "after_refresh" }), true);
    assert.equal(await client.logout(refreshed), true);
    await rejectsWithStatus(client.listProperties(refreshed), 401);
    await rejectsWithStatus(client.listProperties(session), 401);
    await rejectsWithStatus(client.sessionRefresh(session), 401);
    await rejectsWithStatus(client.sessionRefresh(refreshed), 401);
  });
});
