import { MemoryStorage } from '../../src/storage/memory.ts';
import { storageContract } from './contract.ts';

storageContract(
  'MemoryStorage',
  ({ clock, maxBytes }) =>
    new MemoryStorage(maxBytes === undefined ? { clock } : { clock, maxBytes }),
  { maxBytes: true, invalidation: true },
);
