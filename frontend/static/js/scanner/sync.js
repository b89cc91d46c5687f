// Scans decided offline wait in IndexedDB until the server can take them
// (POST /api/v1/checkin/sync, at most 500 a request). The server keeps every scan's nonce, so
// sending a batch twice (say the answer was lost) records nothing twice.

import { ApiError, api, NetworkError } from "./api.js";
import { dequeue, queued } from "./store.js";

const BATCH = 500;

function wire(scan) {
  const body = {
    nonce: scan.nonce,
    list_id: scan.list_id,
    direction: scan.direction,
    scanned_at: scan.scanned_at,
    admitted_offline: scan.admitted_offline,
  };
  if (scan.token) body.token = scan.token;
  else body.registration_id = scan.registration_id;
  return body;
}

function refused(error) {
  // The server checks a whole batch before writing any of it: a list deleted meanwhile (404)
  // or a scan it cannot take (422) refuses the batch, and would refuse it for ever.
  return error instanceof ApiError && (error.status === 404 || error.status === 422);
}

async function send(scans) {
  const answer = await api("/api/v1/checkin/sync", {
    method: "POST",
    body: { scans: scans.map(wire) },
    timeout: 30000,
  });
  return (answer && answer.results) || [];
}

// Returns {synced, dropped, conflicts: [{scan, result}], error}; stops at the first failure.
export async function syncQueue(eventId) {
  const outcome = { synced: 0, dropped: 0, conflicts: [], error: null };
  const take = async (scans, results) => {
    results.forEach((result, i) => {
      if (result && result.conflict) outcome.conflicts.push({ scan: scans[i], result });
    });
    await dequeue(scans.slice(0, results.length).map((scan) => scan.nonce));
    outcome.synced += results.length;
  };
  for (;;) {
    const pending = await queued(eventId);
    if (!pending.length) return outcome;
    const batch = pending.slice(0, BATCH);
    try {
      const results = await send(batch);
      await take(batch, results);
      if (results.length < batch.length) return outcome;
      continue;
    } catch (error) {
      if (!refused(error)) {
        outcome.error = error instanceof NetworkError ? "network" : error;
        return outcome;
      }
    }
    // One at a time, to keep the good scans and drop only those the server can never take.
    for (const scan of batch) {
      try {
        await take([scan], await send([scan]));
      } catch (error) {
        if (!refused(error)) {
          outcome.error = error instanceof NetworkError ? "network" : error;
          return outcome;
        }
        console.error("scan refused by the server, dropped", scan, error.body);
        await dequeue([scan.nonce]);
        outcome.dropped += 1;
      }
    }
  }
}
