import type { Settings, ShareLimits } from '../../src-shared/contract';
import { ShoalError } from '../../src-shared/errors';

/** A torrent's category and tags: labels the user sorts torrents by. */
export interface Labels {
  readonly category: string | null;
  readonly tags: readonly string[];
}

const none: Labels = { category: null, tags: [] };

/**
 * Every torrent's category and tags, and what a category brings: a save path for torrents added
 * to it, and share limits for those without their own.
 */
export class TorrentLabels {
  readonly #settings: () => Settings;
  readonly #labels = new Map<string, Labels>();

  constructor(settings: () => Settings) {
    this.#settings = settings;
  }

  of(infoHash: string): Labels {
    return this.#labels.get(infoHash) ?? none;
  }

  /** Sets a torrent's labels as added or restored; an unknown category is refused. */
  set(infoHash: string, labels: { category?: string | null | undefined; tags?: readonly string[] | undefined }): void {
    const category = labels.category ?? null;
    if (category !== null) this.#category(category);
    const tags = [...new Set(labels.tags ?? [])];
    if (category === null && tags.length === 0) this.#labels.delete(infoHash);
    else this.#labels.set(infoHash, { category, tags });
  }

  /** Changes some of a torrent's labels: the category if given (null: none), tags added and removed. */
  change(infoHash: string, change: { category?: string | null | undefined; addTags?: readonly string[] | undefined; removeTags?: readonly string[] | undefined }): void {
    const now = this.of(infoHash);
    const removed = new Set(change.removeTags ?? []);
    const tags = [...now.tags, ...(change.addTags ?? [])].filter((tag) => !removed.has(tag));
    this.set(infoHash, { category: change.category === undefined ? now.category : change.category, tags });
  }

  forget(infoHash: string): void {
    this.#labels.delete(infoHash);
  }

  /** Where a torrent added to `category` is saved; undefined without a category. */
  savePath(category: string | undefined): string | undefined {
    return category === undefined ? undefined : this.#category(category).savePath;
  }

  /** The share limits of a torrent's category, or null when it has none (the global ones apply). */
  shareLimits(infoHash: string): ShareLimits | null {
    const name = this.of(infoHash).category;
    return (name !== null ? this.#settings().categories?.[name]?.shareLimits : null) ?? null;
  }

  #category(name: string) {
    const category = this.#settings().categories?.[name];
    if (!category) throw new ShoalError('invalid-input', `there is no category named "${name}"; create it first`);
    return category;
  }
}
