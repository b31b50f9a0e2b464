/** A HeyGen asset id as our nodes accept it (e.g. `asset_abc123def456`): the one definition. */
export const ASSET_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
