// Small constructors with the defaults every producer of IR would otherwise repeat.
import type { Box, DesignNode, FrameNode, Layout, Style, TextNode, TextStyle } from './schema.ts';

export const noStyle = (): Style => ({ fills: [], shadows: [], opacity: 1 });

export const flowLayout = (mode: Layout['mode'], over: Partial<Layout> = {}): Layout => ({
  mode,
  gap: 0,
  crossGap: 0,
  padding: { top: 0, right: 0, bottom: 0, left: 0 },
  mainAlign: 'start',
  crossAlign: 'start',
  wrap: false,
  ...over,
});

export function frame(
  id: string,
  box: Box,
  children: DesignNode[],
  over: Partial<Omit<FrameNode, 'type' | 'id' | 'box' | 'children'>> = {},
): FrameNode {
  return {
    type: 'frame',
    id,
    box,
    sizing: { width: 'fixed', height: 'hug' },
    layout: flowLayout('column'),
    style: noStyle(),
    children,
    ...over,
  };
}

const defaultTextStyle: TextStyle = {
  fontFamily: 'Liberation Sans',
  fontClass: 'sans',
  fontSize: 16,
  fontWeight: 400,
  lineHeight: 20,
  letterSpacing: 0,
  color: '#000000',
  align: 'left',
  italic: false,
  decoration: 'none',
  transform: 'none',
};

export function text(
  id: string,
  box: Box,
  content: string,
  style: Partial<TextStyle> = {},
  over: Partial<Omit<TextNode, 'type' | 'id' | 'box' | 'text' | 'style'>> = {},
): TextNode {
  return {
    type: 'text',
    id,
    box,
    text: content,
    sizing: { width: 'hug', height: 'hug' },
    style: { ...defaultTextStyle, ...style },
    ...over,
  };
}
