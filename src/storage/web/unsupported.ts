import { StorageError } from '../../errors.ts';

/**
 * Thrown by a storage for an operation its platform cannot do (workerd's and Deno's Cache Storage
 * cannot list their keys, so `list`, `deleteUrl`, `stats`, `prune` and `clear` are not there).
 * The cache reports it as any storage error; tools can tell it apart by its class.
 */
export class UnsupportedOperationError extends StorageError {
  constructor(operation: string, backend: string, reason: string) {
    super(operation, `${backend} cannot ${operation} here: ${reason}`);
    this.name = 'UnsupportedOperationError';
  }
}
