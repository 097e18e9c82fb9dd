import type { DoorFactory } from './door.js';
import { openSignalRDoor } from './signalr/signalr-door.js';
import { stompDoor } from './stomp/stomp-door.js';

/** The doors this server opens besides REST. Each door adds itself here. */
export const DOORS: DoorFactory[] = [stompDoor, openSignalRDoor];
