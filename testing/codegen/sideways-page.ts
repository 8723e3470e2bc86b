// A page whose parts overlap and run wide, drawn 1000 px wide, for the tests of what keeps generated
// code from scrolling sideways (engine/layout/anchor.test.ts, engine/codegen/sideways.test.ts): a
// card laid over the foot of a header band, a badge over a form panel's corner, fields drawn up to
// 600 px wide, a word longer than a phone's line, and a short label far to the right.
export const SIDEWAYS_PAGE = `<!doctype html><html><body style="margin:0;width:1000px;height:1040px;position:relative;background:#f3f4f6;font-family:Arial,sans-serif;color:#111">
  <div style="position:absolute;left:0;top:0;width:1000px;height:260px;background:#1d3557">
    <div style="position:absolute;left:60px;top:40px;font-size:40px;font-weight:bold;color:#fff">Field Notes</div>
    <div style="position:absolute;left:60px;top:100px;font-size:18px;color:#dfe6ee">Walks, rocks and the people who read them</div>
  </div>
  <div style="position:absolute;left:160px;top:180px;width:680px;height:240px;background:#fff;border:2px solid #c9d2dc;box-sizing:border-box;padding:32px 40px">
    <div style="font-size:28px;font-weight:bold">A morning at the quarry</div>
    <div style="font-size:17px;line-height:26px;margin-top:18px;width:580px">We walked down the old cart track before the sun was up, and by the time it cleared the rim we had found the first fossil bed, a grey band of shells running the length of the north face.</div>
  </div>
  <div style="position:absolute;left:60px;top:500px;width:840px;height:300px;background:#dde4ec;box-sizing:border-box;padding:36px 40px">
    ${['Your name', 'Your email', 'Your town'].map((t, i) => `<div style="position:absolute;left:40px;top:${36 + i * 84}px;width:${600 - i * 80}px;height:56px;background:#fff;border:2px solid #8da2b8;box-sizing:border-box;border-radius:6px;font-size:18px;line-height:52px;padding-left:16px;color:#555">${t}</div>`).join('')}
  </div>
  <div style="position:absolute;left:840px;top:480px;width:120px;height:44px;background:#e63946;border-radius:6px;color:#fff;font-size:20px;font-weight:bold;line-height:44px;text-align:center">Join us</div>
  <div style="position:absolute;left:60px;top:850px;font-size:64px;font-weight:bold;line-height:76px;color:#1d3557">Supercalifragilistic</div>
  <div style="position:absolute;left:880px;top:980px;font-size:16px;color:#1d3557">Back to top</div>
</body></html>`;
