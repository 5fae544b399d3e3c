// Drives the unmodified nakama-js 2.8.0 through the six platform sign-ins against a running
// Guildhall whose providers check real signatures from local stand-ins. Started by
// io.guildhall.runtime.sdk.NakamaJsSocialSdkTest, which mints the platform credentials and passes
// them as JSON in GUILDHALL_SOCIAL.

import { after, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Client } from "@heroiclabs/nakama-js";

const HOST = process.env.GUILDHALL_HOST || "127.0.0.1";
const PORT = process.env.GUILDHALL_PORT || "7350";
const SERVER_KEY = process.env.GUILDHALL_SERVER_KEY || "defaultkey";
const F = JSON.parse(process.env.GUILDHALL_SOCIAL);

// nakama-js warns about Guildhall's default (Nakama's) 60 s / 3600 s lifetimes on every refresh.
const realWarn = console.warn;
console.warn = (...args) => {
  if (typeof args[0] === "string" && /^Session (refresh )?lifetime too short/.test(args[0])) return;
  realWarn(...args);
};

const client = new Client(SERVER_KEY, HOST, PORT, false, 7000, true);

after(() => setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref());

/** Signs in twice: the first creates the account, the second finds the same one. */
async function createsThenFinds(signIn) {
  const first = await signIn();
  assert.equal(first.created, true, "the first sign-in creates the account");
  const again = await signIn();
  assert.equal(again.created, false, "the second finds it");
  assert.equal(again.user_id, first.user_id);
  return client.getAccount(again);
}

async function rejectsWith(status, call) {
  await assert.rejects(call, (response) => {
    assert.equal(response.status, status);
    return true;
  });
}

test("authenticateApple", async () => {
  const account = await createsThenFinds(() => client.authenticateApple(F.apple.token, true));
  assert.equal(account.user.apple_id, F.apple.sub);
  await rejectsWith(401, () => client.authenticateApple(F.apple.token.slice(0, -4) + "AAAA", true));
});

test("authenticateGoogle", async () => {
  const account = await createsThenFinds(() => client.authenticateGoogle(F.google.token, true));
  assert.equal(account.user.google_id, F.google.sub);
});

test("authenticateFacebook, Limited Login and classic tokens", async () => {
  const limited = await createsThenFinds(() => client.authenticateFacebook(F.facebook.token, true, undefined, false));
  assert.equal(limited.user.facebook_id, F.facebook.id);
  const classic = await createsThenFinds(() => client.authenticateFacebook(F.facebook.classicToken, true, undefined, true));
  assert.equal(classic.user.facebook_id, F.facebook.classicId);
  assert.equal(classic.user.display_name, "Classic Player");
});

test("authenticateFacebookInstantGame", async () => {
  const account = await createsThenFinds(() => client.authenticateFacebookInstantGame(F.facebookInstant.signedPlayerInfo, true));
  assert.equal(account.user.facebook_instant_game_id, F.facebookInstant.playerId);
  await rejectsWith(401, () => client.authenticateFacebookInstantGame("bm90LnNpZ25lZA.eyJhIjoxfQ", true));
});

test("authenticateSteam", async () => {
  const account = await createsThenFinds(() => client.authenticateSteam(F.steam.ticket, true));
  assert.equal(account.user.steam_id, F.steam.steamId);
});

test("authenticateGameCenter (username comes before create in this SDK method)", async () => {
  const g = F.gameCenter;
  const account = await createsThenFinds(() => client.authenticateGameCenter(
    g.bundle_id, g.player_id, g.public_key_url, g.salt, g.signature, String(g.timestamp_seconds), undefined, true));
  assert.equal(account.user.gamecenter_id, g.player_id);
});

test("linkSteam and unlinkSteam on a device account", async () => {
  const session = await client.authenticateDevice("social-link-" + randomUUID(), true);
  assert.equal(await client.linkSteam(session, { account: { token: F.steam.linkTicket }, sync: false }), true);
  let account = await client.getAccount(session);
  assert.equal(account.user.steam_id, F.steam.linkSteamId);
  await rejectsWith(409, () => client.linkSteam(session, { account: { token: F.steam.ticket }, sync: false }));
  assert.equal(await client.unlinkSteam(session, { token: F.steam.linkTicket }), true);
  account = await client.getAccount(session);
  assert.equal(account.user.steam_id, undefined);
});
