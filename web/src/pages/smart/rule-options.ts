import { createContext, useContext } from 'react';

export interface NamedPlaylist {
  id: number;
  name: string;
}

/** What the pickers offer: the user's tags, genres and playlists. */
export interface RuleOptions {
  tags: string[];
  genres: string[];
  playlists: NamedPlaylist[];
  /** smart playlists other than the one being edited (it cannot read itself) */
  smartPlaylists: NamedPlaylist[];
}

export const NO_RULE_OPTIONS: RuleOptions = {
  tags: [],
  genres: [],
  playlists: [],
  smartPlaylists: [],
};

/** Given once by the editor page, so rows at any depth reach the lists without props. */
export const RuleOptionsContext = createContext<RuleOptions>(NO_RULE_OPTIONS);

export function useRuleOptions(): RuleOptions {
  return useContext(RuleOptionsContext);
}
