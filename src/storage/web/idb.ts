/**
 * Promises over IndexedDB requests and transactions.
 *
 * @module
 */

/** The result of an IndexedDB request. */
export function result<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves when the transaction commits, rejects when it aborts. */
export function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onabort = () => reject(transaction.error ?? new Error('transaction aborted'));
    transaction.onerror = () => reject(transaction.error);
  });
}

/** Opens (and on first use creates) the database of an IndexedDBStorage. */
export function openDatabase(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  const request = factory.open(name, 1);
  request.onupgradeneeded = () => {
    const db = request.result;
    const entries = db.createObjectStore('entries', { keyPath: 'id' });
    entries.createIndex('key', 'key');
    entries.createIndex('url', 'url');
    entries.createIndex('used', 'used');
    db.createObjectStore('bodies');
  };
  return result(request);
}
