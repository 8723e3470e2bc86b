// In the page: the middle of the link with this text, in page coordinates (where the walkthrough clicks it).
export default function linkCentre(text: string): { x: number; y: number } {
  const link = [...document.querySelectorAll('a')].find((a) => a.textContent === text);
  if (!link) throw new Error(`no link reads ${JSON.stringify(text)}`);
  const r = link.getBoundingClientRect();
  return { x: Math.round(r.x + r.width / 2), y: Math.round(r.y + r.height / 2 + window.scrollY) };
}
