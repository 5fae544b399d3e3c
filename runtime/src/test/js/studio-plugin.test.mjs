// Drives the studio plugin of plugins-example (loaded from plugins/ by the real guildhall.jar) with
// the unmodified nakama-js 2.8.0 and satori-js 2.5.1. Started by StudioPluginIT in plugins-example,
// once per set-up (GUILDHALL_MODE):
//   server-session  the sign-in hook opens the player's analytics session (no_session false);
//                   the match's events attach to it
//   client-session  the game client runs satori-js with its own session; the hook opens none
//                   (no_session true) and the match's events attach to the client's session
//   remote          as server-session, with the game server's analytics client talking over HTTP to
//                   a second Guildhall acting as the analytics server
//   remote-down     that analytics server is down: the match is still counted, and the RPC says
//                   analytics failed, within the client's timeout

import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { Client, Session } from "@heroiclabs/nakama-js";
import "./satori-xhr-shim.mjs";

const Satori = await import("@heroiclabs/satori-js");

const env = process.env;
const HOST = "127.0.0.1";
const MODE = env.GUILDHALL_MODE;
const nakama = new Client(env.GUILDHALL_SERVER_KEY, HOST, env.GUILDHALL_GAME_PORT, false, 7000, false);

after(() => setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref());

/** What the studio's login service hands the game: <player>.<expiry>.<HMAC-SHA256>. */
function ticket(player) {
  const payload = `${player}.${Math.floor(Date.now() / 1000) + 600}`;
  return `${payload}.${createHmac("sha256", env.GUILDHALL_TICKET_SECRET).update(payload).digest("base64url")}`;
}

/** nakama-js has no method for a studio's own provider: one POST, then the SDK's own Session. */
async function signInWithTicket(player) {
  const reply = await fetch(`http://${HOST}:${env.GUILDHALL_GAME_PORT}/v2/account/authenticate/ticket`, {
    method: "POST",
    headers: { Authorization: "Basic " + Buffer.from(env.GUILDHALL_SERVER_KEY + ":").toString("base64"), "Content-Type": "application/json" },
    body: JSON.stringify({ token: ticket(player) }),
  });
  assert.equal(reply.status, 200, await reply.clone().text());
  const { token, refresh_token, created } = await reply.json();
  return new Session(token, refresh_token, created === true);
}

async function consoleGet(path) {
  const base = `http://${HOST}:${env.GUILDHALL_CONSOLE_PORT}`;
  const login = await fetch(`${base}/v1/console/authenticate`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: env.GUILDHALL_CONSOLE_EMAIL, password: env.GUILDHALL_CONSOLE_PASSWORD }),
  });
  assert.equal(login.status, 200, "console sign-in");
  const { token } = await login.json();
  const reply = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(reply.status, 200, path);
  return reply.json();
}

function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());
}

async function endMatch(players) {
  const report = {
    match_id: "m-" + randomUUID().slice(0, 8),
    duration_sec: 420,
    players: players.map((userId, i) => ({ user_id: userId, score: 10 + i, won: i === 0 })),
  };
  const started = Date.now();
  const answer = await nakama.rpcHttpKey(env.GUILDHALL_HTTP_KEY, "match_end", report);
  return { report, answer: answer.payload, tookMs: Date.now() - started };
}

test(`studio plugin, ${MODE}`, async () => {
  const players = [];
  for (const name of ["alice", "bob"]) {
    const session = await signInWithTicket(`${name}-${randomUUID().slice(0, 8)}`);
    assert.equal(session.created, true);
    const account = await nakama.getAccount(session);
    players.push({ session, userId: account.user.id });
  }

  let clientSessions = [];
  if (MODE === "client-session") {
    // the game client opens its own analytics session, identity = the player's user id
    const satori = new Satori.Client(env.GUILDHALL_API_KEY, HOST, env.GUILDHALL_ANALYTICS_PORT, false, 7000, false);
    for (const p of players) {
      clientSessions.push(claims((await satori.authenticate(p.userId)).token).sid);
    }
  }

  const { report, answer, tookMs } = await endMatch(players.map((p) => p.userId));
  if (MODE === "remote-down") {
    assert.match(answer.analytics, /^failed: /, "a remote analytics server that is down is a clear error");
    assert.ok(tookMs < 8000, `within the client's timeout, took ${tookMs} ms`);
  } else {
    assert.equal(answer.analytics, "published");
  }
  assert.equal(answer.players_counted, 2);

  // the match counted in the account metadata, once
  const winner = await nakama.getAccount(players[0].session);
  assert.deepEqual(JSON.parse(winner.user.metadata), { matches: 1, wins: 1, last_match: report.match_id });
  const again = await nakama.rpcHttpKey(env.GUILDHALL_HTTP_KEY, "match_end", report);
  assert.equal(again.payload.players_counted, 0, "a retried report is not counted twice");

  if (MODE === "remote-down") return;
  for (const [i, p] of players.entries()) {
    const { sessions } = await consoleGet(`/v1/console/identity/${p.userId}/sessions`);
    assert.equal(sessions.length, 1, `one analytics session for ${p.userId}: ${JSON.stringify(sessions)}`);
    if (MODE === "client-session") {
      assert.equal(sessions[0].session_id, clientSessions[i], "the client's own satori-js session, none opened by the server");
    }
    const { events } = await consoleGet(`/v1/console/identity/${p.userId}/events`);
    const ended = events.filter((e) => e.name === "matchEnded");
    assert.equal(ended.length, 1, `one matchEnded (the retry was de-duplicated): ${JSON.stringify(events)}`);
    assert.equal(ended[0].session_id, sessions[0].session_id, "attributed to that session");
    assert.equal(ended[0].metadata.match_id, report.match_id);
    assert.equal(ended[0].value, String(10 + i));
  }
});
