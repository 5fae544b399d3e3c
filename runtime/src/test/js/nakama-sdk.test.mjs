// Drives the unmodified official nakama-js SDK (npm @heroiclabs/nakama-js 2.8.0) against a running
// Guildhall game API. Started by io.guildhall.runtime.sdk.NakamaJsSdkTest; can also be run by hand:
//
//   GUILDHALL_PORT=7350 node --test --test-force-exit --test-reporter=spec nakama-sdk.test.mjs
//
// Environment: GUILDHALL_HOST (default 127.0.0.1), GUILDHALL_PORT (default 7350),
// GUILDHALL_SERVER_KEY (default "defaultkey").
//
// Notes (docs: shared/spec/game-api.md §3, §9, §11, §19):
// - The SDK rejects with the fetch Response itself on a non-2xx status; only `.status` is asserted.
// - Every SDK call races a 7 s timer that is never cleared, so the process must be ended explicitly:
//   run with --test-force-exit (and the after() hook below exits as a fallback when run directly).
// - With the server's default 60 s tokens the SDK refreshes the session before every call
//   (it refreshes whenever the token expires within 5 minutes), so the refresh path is exercised.
// - js-base64's atob in 2.8.0 mangles base64url: keep usernames and vars ASCII and free of > ? ~.

import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID, randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Client, Session } from "@heroiclabs/nakama-js";

const HOST = process.env.GUILDHALL_HOST || "127.0.0.1";
const PORT = process.env.GUILDHALL_PORT || "7350";
const SERVER_KEY = process.env.GUILDHALL_SERVER_KEY || "defaultkey";
const TIMEOUT_MS = 7000;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const USERNAME_RE = /^[A-Za-z0-9_.-]+$/;

// Record every request the SDK makes (method + path), so tests can check what went over the wire
// (e.g. that auto refresh really happens). The SDK calls the global fetch at call time.
const requests = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  requests.push({ method: (init && init.method) || "GET", path: url.pathname });
  return realFetch(input, init);
};

// nakama-js warns on every refresh of a just-created session when the server's lifetimes are below
// 70 s / 3700 s, which Nakama's (and Guildhall's) defaults of 60 s / 3600 s always are. Those two
// expected warnings would drown the report, so they are counted instead of printed.
let lifetimeWarnings = 0;
const realWarn = console.warn;
console.warn = (...args) => {
  if (typeof args[0] === "string" && /^Session (refresh )?lifetime too short/.test(args[0])) {
    lifetimeWarnings++;
    return;
  }
  realWarn(...args);
};

/** The default client: auto refresh on, default 5-minute refresh margin. */
function newClient(key = SERVER_KEY) {
  return new Client(key, HOST, PORT, false, TIMEOUT_MS, true);
}

/** A client that never refreshes on its own, to present exactly the tokens a test chooses. */
function newNoRefreshClient() {
  return new Client(SERVER_KEY, HOST, PORT, false, TIMEOUT_MS, false);
}

const client = newClient();

function customId() {
  return "custom-" + randomUUID();
}

function deviceId() {
  return "device-" + randomUUID();
}

function email() {
  return "user" + randomBytes(8).toString("hex") + "@example.com";
}

function password() {
  return "pw-" + randomBytes(12).toString("hex");
}

function username() {
  return "u" + randomBytes(8).toString("hex");
}

/** Decodes a JWT payload with a correct base64url decoder (the SDK's own decoding is lossy). */
function claims(jwt) {
  const parts = jwt.split(".");
  assert.equal(parts.length, 3, `not a compact JWS: ${jwt}`);
  return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
}

function describeRejection(err) {
  if (err && typeof err === "object" && "status" in err) {
    return `Response ${err.status} ${err.statusText || ""} ${err.url || ""}`.trim();
  }
  if (err instanceof Error) {
    return `${err.name}: ${err.message}${err.cause ? ` (cause: ${err.cause})` : ""}`;
  }
  return `${typeof err}: ${JSON.stringify(err)}`;
}

/** Awaits a promise the SDK should reject with a fetch Response of the given HTTP status. */
async function rejectsWithStatus(promise, status, what) {
  let value;
  try {
    value = await promise;
  } catch (err) {
    assert.ok(
      err && typeof err === "object" && "status" in err,
      `${what}: expected a rejection with HTTP ${status}, got ${describeRejection(err)}`,
    );
    let body = "";
    try {
      body = typeof err.text === "function" && !err.bodyUsed ? await err.text() : "";
    } catch {
      // the body is informative only
    }
    assert.equal(err.status, status, `${what}: expected HTTP ${status}, got ${err.status}; body: ${body}`);
    return err;
  }
  assert.fail(`${what}: expected a rejection with HTTP ${status}, but it resolved with ${JSON.stringify(value)}`);
}

/** Wraps an SDK call so a rejection (a bare Response) becomes a readable assertion error. */
async function ok(promise, what) {
  try {
    return await promise;
  } catch (err) {
    let body = "";
    if (err && typeof err === "object" && typeof err.text === "function" && !err.bodyUsed) {
      try {
        body = await err.text();
      } catch {
        // informative only
      }
    }
    assert.fail(`${what} failed: ${describeRejection(err)}${body ? `; body: ${body}` : ""}`);
  }
}

function assertSessionShape(session, what) {
  assert.ok(session instanceof Session, `${what}: not a Session`);
  assert.equal(typeof session.token, "string");
  assert.equal(typeof session.refresh_token, "string");
  assert.ok(session.refresh_token.length > 0, `${what}: no refresh token`);
  assert.match(session.user_id ?? "", UUID_RE, `${what}: user_id`);
  assert.equal(typeof session.username, "string", `${what}: username`);
  assert.ok(session.username.length > 0, `${what}: empty username`);
  assert.ok(Number.isInteger(session.expires_at), `${what}: expires_at ${session.expires_at}`);
  assert.ok(Number.isInteger(session.refresh_expires_at), `${what}: refresh_expires_at ${session.refresh_expires_at}`);
  const now = Date.now() / 1000;
  assert.ok(session.expires_at > now, `${what}: session token already expired`);
  assert.ok(session.refresh_expires_at > now, `${what}: refresh token already expired`);
  // Cross-check the SDK's decoding against a correct one.
  const c = claims(session.token);
  assert.equal(c.uid, session.user_id);
  assert.equal(c.usn, session.username);
  assert.equal(typeof c.exp, "number");
  assert.ok(Number.isInteger(c.exp));
  assert.equal(claims(session.refresh_token).uid, session.user_id);
}

after(() => {
  console.log(`SDK requests made: ${requests.length}; SDK lifetime warnings suppressed: ${lifetimeWarnings}`);
  // The SDK leaves a 7 s timer per request running. With --test-force-exit (how NakamaJsSdkTest and
  // `npm test` run this file) the runner ends the process itself; otherwise end it shortly after the
  // reporters flushed, keeping the exit code the runner chose. The timer is unref'd, so it never
  // delays an exit that would happen anyway.
  if (!process.execArgv.includes("--test-force-exit")) {
    setTimeout(() => process.exit(), 500).unref();
  }
});

describe("authenticate", () => {
  test("device sign-up then sign-in returns the same user", async () => {
    const id = deviceId();
    const first = await ok(client.authenticateDevice(id, true), "device sign-up");
    assertSessionShape(first, "device sign-up");
    assert.equal(first.created, true, "created on sign-up");

    const second = await ok(client.authenticateDevice(id, true), "device sign-in");
    assertSessionShape(second, "device sign-in");
    assert.equal(second.created, false, "created on sign-in");
    assert.equal(second.user_id, first.user_id);
    assert.equal(second.username, first.username);
  });

  test("device sign-up with a chosen username", async () => {
    const name = username();
    const session = await ok(client.authenticateDevice(deviceId(), true, name), "device sign-up with username");
    assertSessionShape(session, "device sign-up with username");
    assert.equal(session.username, name);
  });

  test("custom sign-up then sign-in returns the same user", async () => {
    const id = customId();
    const first = await ok(client.authenticateCustom(id, true), "custom sign-up");
    assertSessionShape(first, "custom sign-up");
    assert.equal(first.created, true);

    const second = await ok(client.authenticateCustom(id, true), "custom sign-in");
    assertSessionShape(second, "custom sign-in");
    assert.equal(second.created, false);
    assert.equal(second.user_id, first.user_id);
    assert.equal(second.username, first.username);

    // create=false on an existing id also signs in.
    const third = await ok(client.authenticateCustom(id, false), "custom sign-in with create=false");
    assert.equal(third.user_id, first.user_id);
    assert.equal(third.created, false);
  });

  test("custom auth with vars exposes them in the session", async () => {
    const session = await ok(
      client.authenticateCustom(customId(), true, undefined, { testString: "testValue" }),
      "custom auth with vars",
    );
    assertSessionShape(session, "custom auth with vars");
    assert.deepEqual(session.vars, { testString: "testValue" });
    assert.equal(session.vars.testString, "testValue");
    assert.deepEqual(claims(session.token).vrs, { testString: "testValue" });
  });

  test("custom auth with create=false for an unknown id is rejected with 404", async () => {
    await rejectsWithStatus(client.authenticateCustom(customId(), false), 404, "custom create=false unknown id");
  });

  test("custom auth with an empty id is rejected with 400", async () => {
    await rejectsWithStatus(client.authenticateCustom("", true), 400, "custom auth with empty id");
  });

  test("email sign-up then sign-in returns the same user", async () => {
    const address = email();
    const pw = password();
    const first = await ok(client.authenticateEmail(address, pw, true), "email sign-up");
    assertSessionShape(first, "email sign-up");
    assert.equal(first.created, true);

    const second = await ok(client.authenticateEmail(address, pw, true), "email sign-in");
    assertSessionShape(second, "email sign-in");
    assert.equal(second.created, false);
    assert.equal(second.user_id, first.user_id);

    const third = await ok(client.authenticateEmail(address, pw, false), "email sign-in with create=false");
    assert.equal(third.user_id, first.user_id);
  });

  test("email sign-in with a wrong password is rejected with 401", async () => {
    const address = email();
    await ok(client.authenticateEmail(address, password(), true), "email sign-up");
    await rejectsWithStatus(client.authenticateEmail(address, password(), true), 401, "email wrong password");
    await rejectsWithStatus(client.authenticateEmail(address, password(), false), 401, "email wrong password, create=false");
  });

  test("a wrong server key is rejected with 401", async () => {
    const bad = newClient("wrongkey");
    await rejectsWithStatus(bad.authenticateCustom(customId(), true), 401, "custom auth with wrong server key");
    await rejectsWithStatus(bad.authenticateDevice(deviceId(), true), 401, "device auth with wrong server key");
  });
});

describe("account", () => {
  test("getAccount of a new device account has the defaults", async () => {
    const id = deviceId();
    const session = await ok(client.authenticateDevice(id, true), "device sign-up");
    const account = await ok(client.getAccount(session), "getAccount");

    assert.ok(account.user, "account.user present");
    assert.equal(account.user.id, session.user_id);
    assert.equal(account.user.username, session.username);
    assert.equal(account.wallet, "{}");
    assert.equal(account.user.metadata, "{}");
    assert.equal(account.user.lang_tag, "en");
    assert.equal(account.custom_id, undefined);
    assert.equal(account.email, undefined);
    assert.deepEqual(account.devices, [{ id }]);
    assert.equal(typeof account.user.create_time, "string", "create_time is a string");
    const created = new Date(account.user.create_time);
    assert.ok(!Number.isNaN(created.getTime()), `create_time parses: ${account.user.create_time}`);
    assert.ok(Math.abs(created.getTime() - Date.now()) < 10 * 60 * 1000, `create_time is recent: ${account.user.create_time}`);
  });

  test("getAccount of a new custom account shows custom_id and no devices key", async () => {
    const id = customId();
    const session = await ok(client.authenticateCustom(id, true), "custom sign-up");
    const account = await ok(client.getAccount(session), "getAccount");
    assert.equal(account.user.id, session.user_id);
    assert.equal(account.user.username, session.username);
    assert.equal(account.custom_id, id);
    assert.equal(Object.prototype.hasOwnProperty.call(account, "devices"), false, `devices key: ${JSON.stringify(account)}`);
  });

  test("getAccount of an email account shows the email", async () => {
    const address = email();
    const session = await ok(client.authenticateEmail(address, password(), true), "email sign-up");
    const account = await ok(client.getAccount(session), "getAccount");
    assert.equal(account.user.id, session.user_id);
    assert.equal(account.email, address);
  });

  test("updateAccount is reflected in getAccount", async () => {
    const session = await ok(client.authenticateCustom(customId(), true), "custom sign-up");
    const update = {
      display_name: "Display " + randomBytes(4).toString("hex"),
      avatar_url: "https://example.com/avatar/" + randomBytes(4).toString("hex") + ".png",
      lang_tag: "de",
      location: "Berlin",
    };
    assert.equal(await ok(client.updateAccount(session, update), "updateAccount"), true);
    const account = await ok(client.getAccount(session), "getAccount");
    assert.equal(account.user.display_name, update.display_name);
    assert.equal(account.user.avatar_url, update.avatar_url);
    assert.equal(account.user.lang_tag, update.lang_tag);
    assert.equal(account.user.location, update.location);
    assert.equal(account.user.username, session.username);
  });

  test("updateAccount with the current username succeeds", async () => {
    const session = await ok(client.authenticateCustom(customId(), true), "custom sign-up");
    const current = session.username;
    assert.equal(await ok(client.updateAccount(session, { username: current }), "updateAccount same username"), true);
    const account = await ok(client.getAccount(session), "getAccount");
    assert.equal(account.user.username, current);
  });

  test("updateAccount with a new username is reflected, and in the next refreshed token", async () => {
    const session = await ok(client.authenticateCustom(customId(), true), "custom sign-up");
    const name = username();
    assert.equal(await ok(client.updateAccount(session, { username: name }), "updateAccount new username"), true);
    const account = await ok(client.getAccount(session), "getAccount");
    assert.equal(account.user.username, name);
    await ok(client.sessionRefresh(session), "sessionRefresh");
    assert.equal(session.username, name, "refresh re-reads the username");
  });

  test("getUsers by id and by username returns both users", async () => {
    const one = await ok(client.authenticateCustom(customId(), true), "sign-up 1");
    const two = await ok(client.authenticateCustom(customId(), true), "sign-up 2");
    const result = await ok(client.getUsers(one, [one.user_id], [two.username], []), "getUsers");
    assert.ok(result && Array.isArray(result.users), "result.users is an array");
    assert.equal(result.users.length, 2, JSON.stringify(result));
    const ids = result.users.map((u) => u.id).sort();
    assert.deepEqual(ids, [one.user_id, two.user_id].sort());
    const byId = Object.fromEntries(result.users.map((u) => [u.id, u]));
    assert.equal(byId[one.user_id].username, one.username);
    assert.equal(byId[two.user_id].username, two.username);
  });

  test("getUsers with nothing to look up resolves to a non-null result", async () => {
    const session = await ok(client.authenticateCustom(customId(), true), "custom sign-up");
    const result = await ok(client.getUsers(session, [], [], []), "getUsers empty");
    assert.notEqual(result, null);
    assert.notEqual(result, undefined);
    assert.deepEqual(result.users ?? [], []);
  });
});

describe("link and unlink", () => {
  test("linkCustom shows in getAccount, signs in to the same user, unlinkCustom removes it", async () => {
    const session = await ok(client.authenticateDevice(deviceId(), true), "device sign-up");
    const id = customId();
    assert.equal(await ok(client.linkCustom(session, { id }), "linkCustom"), true);

    let account = await ok(client.getAccount(session), "getAccount after link");
    assert.equal(account.custom_id, id);

    const viaCustom = await ok(client.authenticateCustom(id, false), "authenticateCustom with linked id");
    assert.equal(viaCustom.user_id, session.user_id);
    assert.equal(viaCustom.username, session.username);
    assert.equal(viaCustom.created, false);

    // Linking one's own identifier again is idempotent.
    assert.equal(await ok(client.linkCustom(session, { id }), "linkCustom again"), true);

    assert.equal(await ok(client.unlinkCustom(session, { id }), "unlinkCustom"), true);
    account = await ok(client.getAccount(session), "getAccount after unlink");
    assert.equal(account.custom_id, undefined, JSON.stringify(account));
    assert.equal(Object.prototype.hasOwnProperty.call(account, "custom_id"), false);
    assert.equal(account.devices.length, 1);
  });

  test("link then unlink a device leaves no devices key", async () => {
    const session = await ok(client.authenticateCustom(customId(), true), "custom sign-up");
    const id = deviceId();
    assert.equal(await ok(client.linkDevice(session, { id }), "linkDevice"), true);

    let account = await ok(client.getAccount(session), "getAccount after link");
    assert.deepEqual(account.devices, [{ id }]);

    const viaDevice = await ok(client.authenticateDevice(id, false), "authenticateDevice with linked id");
    assert.equal(viaDevice.user_id, session.user_id);

    assert.equal(await ok(client.unlinkDevice(session, { id }), "unlinkDevice"), true);
    account = await ok(client.getAccount(session), "getAccount after unlink");
    assert.equal(Object.prototype.hasOwnProperty.call(account, "devices"), false, `devices key: ${JSON.stringify(account)}`);
  });

  test("linking a custom id owned by another user is rejected with 409", async () => {
    const id = customId();
    await ok(client.authenticateCustom(id, true), "owner sign-up");
    const other = await ok(client.authenticateDevice(deviceId(), true), "other sign-up");
    await rejectsWithStatus(client.linkCustom(other, { id }), 409, "linkCustom owned by another user");
  });

  test("unlinking the last identity is rejected with 403", async () => {
    const id = customId();
    const session = await ok(client.authenticateCustom(id, true), "custom sign-up");
    await rejectsWithStatus(client.unlinkCustom(session, { id }), 403, "unlinkCustom last identity");
    const account = await ok(client.getAccount(session), "getAccount");
    assert.equal(account.custom_id, id);
  });
});

describe("session", () => {
  test("Session.restore of a token pair works for calls", async () => {
    const original = await ok(
      client.authenticateCustom(customId(), true, undefined, { level: "7" }),
      "custom sign-up",
    );
    const restored = Session.restore(original.token, original.refresh_token);
    assert.equal(restored.user_id, original.user_id);
    assert.equal(restored.username, original.username);
    assert.deepEqual(restored.vars, { level: "7" });
    assert.equal(restored.created, false);
    assert.equal(restored.expires_at, original.expires_at);
    assert.equal(restored.refresh_expires_at, original.refresh_expires_at);

    // Restored on a fresh client, without auto refresh: the stored token itself must work.
    const account = await ok(newNoRefreshClient().getAccount(restored), "getAccount with restored session (no refresh)");
    assert.equal(account.user.id, original.user_id);

    // And with the default client (which refreshes first).
    const again = await ok(newClient().getAccount(Session.restore(original.token, original.refresh_token)), "getAccount with restored session");
    assert.equal(again.user.id, original.user_id);
  });

  test("sessionRefresh renews the token in place, keeps vars, and replaces them when given", async () => {
    const session = await ok(client.authenticateCustom(customId(), true, undefined, { k: "v" }), "custom sign-up");
    assert.deepEqual(session.vars, { k: "v" });
    const firstToken = session.token;
    const userId = session.user_id;

    await sleep(1100); // tokens only differ by exp (whole seconds)
    const refreshed = await ok(client.sessionRefresh(session), "sessionRefresh");
    assert.equal(refreshed, session, "refresh updates the same Session object");
    assert.notEqual(session.token, firstToken, "token changed after refresh");
    assert.equal(session.user_id, userId);
    assert.deepEqual(session.vars, { k: "v" }, "vars kept when refreshing with {}");
    assert.ok(session.refresh_token.length > 0);
    assert.ok(session.expires_at > Date.now() / 1000);

    await ok(client.sessionRefresh(session, { k: "w" }), "sessionRefresh with vars");
    assert.deepEqual(session.vars, { k: "w" }, "vars replaced");
    assert.deepEqual(claims(session.token).vrs, { k: "w" });

    const account = await ok(newNoRefreshClient().getAccount(session), "getAccount with refreshed token");
    assert.equal(account.user.id, userId);
  });

  test("the old token pair still works after a refresh (no rotation by default)", async () => {
    const session = await ok(client.authenticateCustom(customId(), true), "custom sign-up");
    const oldToken = session.token;
    const oldRefresh = session.refresh_token;
    await sleep(1100);
    await ok(client.sessionRefresh(session), "sessionRefresh");
    const noRefresh = newNoRefreshClient();
    const old = Session.restore(oldToken, oldRefresh);
    await ok(noRefresh.getAccount(old), "getAccount with the pre-refresh token");
    await ok(noRefresh.sessionRefresh(old), "sessionRefresh with the pre-refresh refresh token");
  });

  test("after logout the old session token and refresh token are rejected with 401", async () => {
    const session = await ok(client.authenticateCustom(customId(), true), "custom sign-up");
    const token = session.token;
    const refreshToken = session.refresh_token;
    const noRefresh = newNoRefreshClient();

    // Sanity: the tokens work before logout.
    await ok(noRefresh.getAccount(Session.restore(token, refreshToken)), "getAccount before logout");

    assert.equal(await ok(noRefresh.sessionLogout(session, token, refreshToken), "sessionLogout"), true);

    await rejectsWithStatus(
      noRefresh.getAccount(Session.restore(token, refreshToken)),
      401,
      "getAccount with the logged-out session token",
    );
    await rejectsWithStatus(
      noRefresh.sessionRefresh(Session.restore(token, refreshToken)),
      401,
      "sessionRefresh with the logged-out refresh token",
    );
    // The default client refreshes first, which must fail the same way.
    await rejectsWithStatus(
      newClient().getAccount(Session.restore(token, refreshToken)),
      401,
      "getAccount (auto refresh) with the logged-out tokens",
    );
  });

  test("logout through the default client (auto refresh first) also revokes the session", async () => {
    const session = await ok(client.authenticateCustom(customId(), true), "custom sign-up");
    const token = session.token;
    const refreshToken = session.refresh_token;
    // The default client refreshes `session` in place before logging out; the refreshed tokens
    // share the token id, so logging out the original pair revokes them too.
    assert.equal(await ok(client.sessionLogout(session, token, refreshToken), "sessionLogout"), true);
    const noRefresh = newNoRefreshClient();
    await rejectsWithStatus(noRefresh.getAccount(Session.restore(token, refreshToken)), 401, "getAccount old token");
    await rejectsWithStatus(noRefresh.getAccount(session), 401, "getAccount with the token refreshed before logout");
    await rejectsWithStatus(noRefresh.sessionRefresh(session), 401, "sessionRefresh with the token refreshed before logout");
  });

  test("with the default client several calls in a row succeed (auto refresh before each)", async () => {
    const c = newClient();
    const session = await ok(c.authenticateCustom(customId(), true, undefined, { keep: "me" }), "custom sign-up");
    const autoRefreshExpected = session.expires_at - Date.now() / 1000 < c.expiredTimespanMs / 1000;
    const start = requests.length;

    for (let i = 0; i < 3; i++) {
      const account = await ok(c.getAccount(session), `getAccount #${i + 1}`);
      assert.equal(account.user.id, session.user_id);
    }
    assert.equal(await ok(c.updateAccount(session, { location: "Here" }), "updateAccount"), true);
    const users = await ok(c.getUsers(session, [session.user_id], [], []), "getUsers");
    assert.equal(users.users.length, 1);
    await sleep(1100);
    const before = session.token;
    const account = await ok(c.getAccount(session), "getAccount after 1.1 s");
    assert.equal(account.user.location, "Here");

    const made = requests.slice(start);
    const refreshes = made.filter((r) => r.path === "/v2/account/session/refresh").length;
    const others = made.length - refreshes;
    assert.equal(others, 6, JSON.stringify(made));
    if (autoRefreshExpected) {
      assert.equal(refreshes, others, `one refresh before each call: ${JSON.stringify(made)}`);
      assert.notEqual(session.token, before, "token renewed by the auto refresh");
      assert.deepEqual(session.vars, { keep: "me" }, "vars survive auto refresh");
    }
  });
});

// A second server with session.refresh_token_rotation on (and a 2 s reuse grace), started by
// NakamaJsSdkTest; skipped when the file is run by hand against a single server.
const ROTATION_PORT = process.env.GUILDHALL_ROTATION_PORT;
const ROTATION_GRACE_SEC = Number(process.env.GUILDHALL_ROTATION_GRACE_SEC || "2");

describe("refresh-token rotation", { skip: !ROTATION_PORT && "no rotation server (GUILDHALL_ROTATION_PORT)" }, () => {
  test("concurrent auto-refreshing calls all succeed; the exchanged refresh token later ends the session", async () => {
    const c = new Client(SERVER_KEY, HOST, ROTATION_PORT, false, TIMEOUT_MS, true);
    const session = await ok(c.authenticateCustom(customId(), true), "custom sign-up");
    const original = { token: session.token, refresh: session.refresh_token };
    await sleep(1100); // tokens minted within one second are identical: let the rotation show
    const start = requests.length;

    // Every call refreshes first (60 s tokens are always within the SDK's 5-minute margin), all with
    // the same refresh token at once: the first rotates it, the others fall in the grace window.
    const accounts = await Promise.all([1, 2, 3, 4].map((i) => ok(c.getAccount(session), `concurrent getAccount #${i}`)));
    for (const account of accounts) {
      assert.equal(account.user.id, session.user_id);
    }
    const refreshes = requests.slice(start).filter((r) => r.path === "/v2/account/session/refresh").length;
    assert.equal(refreshes, 4, "each concurrent call refreshed with the same token");
    assert.notEqual(session.refresh_token, original.refresh, "the refresh token was rotated");
    assert.equal((await ok(c.getAccount(session), "getAccount with the rotated tokens")).user.id, session.user_id);

    // After the grace window, presenting the exchanged token is reuse: it is refused, and every token
    // of that session goes with it, the current ones included.
    await sleep(ROTATION_GRACE_SEC * 1000 + 1100);
    const noRefresh = new Client(SERVER_KEY, HOST, ROTATION_PORT, false, TIMEOUT_MS, false);
    await rejectsWithStatus(noRefresh.sessionRefresh(Session.restore(original.token, original.refresh)), 401,
      "refresh with the exchanged token");
    await rejectsWithStatus(noRefresh.sessionRefresh(session), 401, "refresh with the current token after the reuse");
    await rejectsWithStatus(noRefresh.getAccount(session), 401, "getAccount with the current session token after the reuse");
  });
});
