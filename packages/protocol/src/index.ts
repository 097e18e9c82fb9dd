export * from './errors.js';
export * from './limits.js';
export * from './model.js';
export * from './schemas.js';
export * from './signalr.js';
export * from './hub-message-mapping.js';
