// Which published checkpoint family a config.json belongs to. Loupe reads four; anything else
// is refused by name, so a user learns what Loupe reads rather than meeting a missing key.
import { LoupeError } from '../../errors.ts';
import { configLayout, hasMoonVit3dKeys, type ConfigLayout } from '../config.ts';

export type FamilyId = 'kimi-vl' | 'kimi-k2.5' | 'kimi-k2' | 'deepseek-v3';

export interface CheckpointFamily {
  id: FamilyId;
  /** As people call it. */
  name: string;
  modelType: string;
  layout: ConfigLayout;
}

const NAMES: Record<FamilyId, string> = {
  'kimi-vl': 'Kimi-VL-A3B Instruct/Thinking',
  'kimi-k2.5': 'Kimi K2.5',
  'kimi-k2': 'Kimi K2',
  'deepseek-v3': 'DeepSeek-V3',
};

export const FAMILIES_READ = 'Kimi-VL (model_type kimi_vl, text_config + vision_config), Kimi K2.5 (kimi_k25), Kimi K2 (kimi_k2, flat) and DeepSeek-V3 (deepseek_v3, flat)';

export function checkpointFamily(raw: Record<string, unknown>, where: string): CheckpointFamily {
  const layout = configLayout(raw);
  const modelType = typeof raw.model_type === 'string' ? raw.model_type : '';
  const found = (id: FamilyId): CheckpointFamily => ({ id, name: NAMES[id], modelType, layout });
  if (layout === 'nested') {
    if (modelType === 'kimi_vl') return found('kimi-vl');
    if (/^kimi_k2[._]?5$/.test(modelType) || hasMoonVit3dKeys(raw.vision_config)) return found('kimi-k2.5');
  } else {
    if (modelType === 'kimi_k2') return found('kimi-k2');
    if (modelType === 'deepseek_v3') return found('deepseek-v3');
  }
  const what = modelType ? `model_type ${JSON.stringify(modelType)}` : 'no model_type';
  throw new LoupeError(
    'MODEL_UNSUPPORTED',
    `${where}: ${what}${layout === 'nested' ? ' with text_config' : ''} is not a checkpoint family Loupe reads. Loupe reads ${FAMILIES_READ}; for another model, use a model server (--backend openai).`,
  );
}
