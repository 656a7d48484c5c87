export * from './versions';
export * from './n8nInstall';
export * from './packPackage';
export * from './n8nInstance';
export * from './runData';
export * from './fakeChatModel';
export * from './owner';
