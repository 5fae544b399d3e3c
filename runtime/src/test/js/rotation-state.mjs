// What the two signing-key rotation scripts (nakama-rotation, satori-rotation) keep between the
// phases' server starts: the session's tokens in GUILDHALL_STATE_FILE, and which key signed them.

import { readFileSync } from "node:fs";

/** The key id in a JWT's header. */
export function kid(jwt) {
  return JSON.parse(Buffer.from(jwt.split(".")[0], "base64url").toString("utf8")).kid;
}

/** The saved state and its session, restored with the SDK's own Session class. */
export function saved(stateFile, Session) {
  const state = JSON.parse(readFileSync(stateFile, "utf8"));
  return { state, session: Session.restore(state.token, state.refresh_token) };
}
