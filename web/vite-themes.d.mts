import type { Plugin } from 'vite';

export function themeFiles(manifestPath?: string, modules?: string): Map<string, string>;
export function peertubeThemes(): Plugin;
