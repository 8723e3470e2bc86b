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

/**
 * The family of a config.json, or undefined for one Loupe does not read: by `model_type`, and for
 * a nested config without one by its `architectures` (a flat config's architectures say
 * DeepseekV3ForCausalLM for Kimi K2 too, so there only model_type tells them apart).
 */
export function knownCheckpointFamily(raw: Record<string, unknown>): FamilyId | undefined {
  const modelType = typeof raw.model_type === 'string' ? raw.model_type : '';
  if (configLayout(raw) === 'flat') return modelType === 'kimi_k2' ? 'kimi-k2' : modelType === 'deepseek_v3' ? 'deepseek-v3' : undefined;
  const architectures = Array.isArray(raw.architectures) ? raw.architectures.map(String) : [];
  if (modelType === 'kimi_vl' || (!modelType && architectures.includes('KimiVLForConditionalGeneration'))) return 'kimi-vl';
  if (/^kimi_k2[._]?5$/.test(modelType) || hasMoonVit3dKeys(raw.vision_config) || (!modelType && architectures.includes('KimiK25ForConditionalGeneration'))) return 'kimi-k2.5';
  return undefined;
}

export function checkpointFamily(raw: Record<string, unknown>, where: string): CheckpointFamily {
  const layout = configLayout(raw);
  const modelType = typeof raw.model_type === 'string' ? raw.model_type : '';
  const id = knownCheckpointFamily(raw);
  if (id) return { id, name: NAMES[id], modelType, layout };
  const what = modelType ? `model_type ${JSON.stringify(modelType)}` : 'no model_type';
  throw new LoupeError(
    'MODEL_UNSUPPORTED',
    `${where}: ${what}${layout === 'nested' ? ' with text_config' : ''} is not a checkpoint family Loupe reads. Loupe reads ${FAMILIES_READ}; for another model, use a model server (--backend openai).`,
  );
}
