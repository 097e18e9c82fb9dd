import type { DoorFactory } from './door.js';

/** The doors this server opens besides REST. Each door adds itself here. */
export const DOORS: DoorFactory[] = [];
