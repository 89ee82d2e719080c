/** The renderer's one import point for the shared contract's types (defined once, in src-shared). */
export type {
  CommandInput,
  CommandName,
  CommandOutput,
  EventName,
  EventPayload,
  FileInfo,
  FilePriority,
  GeneralInfo,
  GlobalStats,
  PeerInfo,
  PiecesInfo,
  Settings,
  ShoalApi,
  SubscriptionTab as DetailTab,
  Theme,
  TorrentState,
  TorrentSummary,
  TrackerInfo,
} from '../../../src-shared/contract';
export { defaultLimitSettings, defaultTorrentOptions } from '../../../src-shared/contract/data';
