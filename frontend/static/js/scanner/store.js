// IndexedDB: the offline bundle per event, the queue of scans decided offline, and this
// device's own knowledge of who is in (so a second offline scan of a ticket is "already in").

const DB_NAME = "luyan-scanner";
const DB_VERSION = 1;
let opening = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        db.createObjectStore("bundles", { keyPath: "event_id" });
        const queue = db.createObjectStore("queue", { keyPath: "nonce" });
        queue.createIndex("event_id", "event_id");
        const presence = db.createObjectStore("presence", { keyPath: "key" });
        presence.createIndex("event_id", "event_id");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return opening;
}

async function tx(storeName, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(storeName, mode);
    const store = transaction.objectStore(storeName);
    let result;
    Promise.resolve(work(store)).then((value) => {
      result = value;
    }, reject);
    transaction.oncomplete = () => resolve(result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

export async function saveBundle(bundle) {
  await tx("bundles", "readwrite", (store) =>
    store.put({ event_id: bundle.event.id, bundle, saved_at: new Date().toISOString() }),
  );
}

export async function loadBundle(eventId) {
  const row = await tx("bundles", "readonly", (store) => request(store.get(eventId)));
  return row ? row.bundle : null;
}

export async function enqueue(scan) {
  await tx("queue", "readwrite", (store) => store.put(scan));
}

export async function queued(eventId) {
  const rows = await tx("queue", "readonly", (store) =>
    request(store.index("event_id").getAll(eventId)),
  );
  return rows.sort((a, b) => a.scanned_at.localeCompare(b.scanned_at));
}

export async function dequeue(nonces) {
  await tx("queue", "readwrite", (store) => {
    for (const nonce of nonces) store.delete(nonce);
  });
}

export async function queueSize(eventId) {
  return tx("queue", "readonly", (store) => request(store.index("event_id").count(eventId)));
}

function presenceKey(eventId, listId, registrationId) {
  return `${eventId}:${listId}:${registrationId}`;
}

export async function remember(eventId, listId, registrationId, inside, at) {
  await tx("presence", "readwrite", (store) =>
    store.put({
      key: presenceKey(eventId, listId, registrationId),
      event_id: eventId,
      list_id: listId,
      registration_id: registrationId,
      inside,
      at,
    }),
  );
}

export async function presence(eventId) {
  return tx("presence", "readonly", (store) => request(store.index("event_id").getAll(eventId)));
}
