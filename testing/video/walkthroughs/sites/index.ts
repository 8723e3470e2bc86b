import { blog } from './blog.ts';
import { dashboard } from './dashboard.ts';
import { docs } from './docs.ts';
import { settings } from './settings.ts';
import { shop } from './shop.ts';
import type { Site } from './site.ts';

export { sitePageHtml, type Site, type SitePage } from './site.ts';

export const SITES: Record<string, Site> = Object.fromEntries([shop, settings, docs, dashboard, blog].map((s) => [s.name, s]));
