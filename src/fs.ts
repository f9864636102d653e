/**
 * `httpcache/fs`: {@link FileSystemStorage}, entries as plain files in a directory, with
 * pluggable metadata serializers.
 *
 * @module
 */

export {
  defaultDirectory,
  FileSystemStorage,
  type FileSystemStorageOptions,
} from './storage/fs.ts';
export {
  jsonSerializer,
  msgpackSerializer,
  type Serializer,
  yamlSerializer,
} from './storage/serializers.ts';
