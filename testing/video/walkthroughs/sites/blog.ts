// A literary blog: a list of posts, a long article with a pull quote and a figure, and a
// second, shorter article. Off-white paper, ink and a rust accent; Liberation Serif body text
// under DejaVu Serif headings.
import type { Site } from './site.ts';

interface Post {
  page: string;
  title: string;
  dek: string;
  author: string;
  date: string;
  minutes: number;
  tag: string;
}

const POSTS: Post[] = [
  { page: 'article', title: 'What the margins of old books remember', dek: 'Readers have always written back. A walk through five centuries of notes, doodles and arguments in the white space.', author: 'Helen Marsh', date: 'June 24, 2026', minutes: 9, tag: 'Essays' },
  { page: 'article-2', title: 'In praise of the index', dek: 'The humblest part of a book is also its most generous: a map drawn by someone who read it first.', author: 'Daniel Okoro', date: 'June 17, 2026', minutes: 5, tag: 'Craft' },
  { page: 'article', title: 'Letters to a young typesetter', dek: 'On rivers, widows and the patience it takes to make a page look effortless.', author: 'Ruth Albers', date: 'June 9, 2026', minutes: 7, tag: 'Craft' },
  { page: 'article-2', title: 'The library at the end of the line', dek: 'A branch library in a terminus town, and the people who keep it open three days a week.', author: 'Sami Haddad', date: 'May 30, 2026', minutes: 11, tag: 'Reportage' },
  { page: 'article', title: 'Reading slowly, on purpose', dek: 'Notes from a year of one book a month, read twice, with a pencil.', author: 'Helen Marsh', date: 'May 21, 2026', minutes: 6, tag: 'Essays' },
];

const masthead = `
<header class="mast">
  <a class="title" href="index.html">The Margin</a>
  <p class="motto">Essays on books, reading and the people who make them</p>
  <nav>${['Essays', 'Craft', 'Reportage', 'Archive', 'About'].map((n) => `<a href="${n === 'Archive' ? 'index.html' : '#'}">${n}</a>`).join('')}</nav>
</header>`;

const foot = `<footer class="foot"><span>© 2026 The Margin</span><a href="#">Newsletter</a><a href="#">RSS</a><a href="#">Contact</a></footer>`;

const postItem = (post: Post, i: number) => `
<article class="item${i === 0 ? ' lead' : ''}">
  <span class="tag">${post.tag}</span>
  <h2><a class="post-link" href="${post.page}.html">${post.title}</a></h2>
  <p class="dek">${post.dek}</p>
  <p class="meta">${post.author} · ${post.date} · ${post.minutes} min read</p>
</article>`;

const index = `${masthead}
<div class="home">
  <main class="posts">${POSTS.map(postItem).join('')}
    <div class="older"><a class="button" href="#">Older posts</a></div>
  </main>
  <aside class="aside">
    <div class="box"><h3>About</h3><p>The Margin is a small magazine about the lives of books after they are printed. New essays every week.</p></div>
    <div class="box"><h3>Topics</h3><div class="tags">${['Essays', 'Craft', 'Reportage', 'Libraries', 'Typography', 'Translation', 'Archives'].map((t) => `<a class="chip" href="#">${t}</a>`).join('')}</div></div>
    <div class="box subscribe"><h3>Newsletter</h3><p>One letter on Sundays. No tracking.</p><span class="input">you@example.com</span><a class="button" href="#">Subscribe</a></div>
  </aside>
</div>
${foot}`;

const ESSAY = [
  'In the reading room of a county archive there is a copy of a sixteenth-century herbal whose margins are fuller than its pages. Three owners, at least, have annotated it: one in a tight secretary hand, correcting the Latin names; one in brown ink, noting which remedies failed; and one, much later, in pencil, adding only dates.',
  'We tend to think of marginalia as vandalism or as relics, depending on how famous the vandal was. But for most of the history of the printed book, writing in it was simply what reading looked like. Schoolboys were taught to mark their texts; scholars kept commonplace books that began life as notes in the white space.',
  'The margin is where a book stops talking and starts listening. Its width was never only aesthetic. Early printers left generous margins partly because paper was expensive and trimmed edges could be sold, and partly because buyers expected to bind, decorate and write in what they bought.',
  'Look closely at a well-used copy and you can see a conversation unfold across generations. A reader underlines a claim; a second reader writes “no!” beside the underline; a third adds a citation that settles the matter, or would have, if anyone had read it.',
  'Not all the notes are learned. There are shopping lists, recipes for ink, prayers, sums, practice signatures and small drawings of hands pointing at passages: the manicule, a printed symbol that began as a reader’s doodle and was later cast in metal.',
  'Librarians have not always loved these traces. For much of the twentieth century, “clean” copies fetched higher prices, and annotated ones were sometimes washed or trimmed. Whole layers of reading history were removed to make books look as if no one had touched them.',
  'That has changed. Projects to catalogue marginalia now treat annotations as evidence of how texts were actually used, which is often not how their authors intended. A treatise on law turns out to have been read mostly for its index; a devotional book, for the blank leaves at the back where families recorded births.',
  'Digital reading promised to democratise the margin and, for a while, it did. Shared highlights showed which sentences thousands of readers found worth keeping. But those notes live on servers, not on pages, and when a service closes they vanish with it.',
  'There is also something lost when a note is typed. A pencil records pressure, hesitation, a change of mind. A smudge tells you the reader was eating; a coffee ring, that they were up late. These are not information in any database sense, and yet they are the most human part of the record.',
  'The writers of the future archive, then, are ordinary readers who still write in their books. Whether they know it or not, they are leaving instructions for someone who will open the same pages in a hundred years and wonder who disagreed so strongly with chapter four.',
  'If you are wary of defacing a new book, start with a secondhand one. Find a passage you disagree with and say so, briefly, in the margin. Date it. Then put the book back on the shelf and let it wait.',
];

const article = `${masthead}
<main class="story">
  <p class="tag">Essays</p>
  <h1>${POSTS[0].title}</h1>
  <p class="standfirst">${POSTS[0].dek}</p>
  <p class="meta">By ${POSTS[0].author} · ${POSTS[0].date} · ${POSTS[0].minutes} min read</p>
  <figure class="figure"><div class="plate" aria-hidden="true"><span></span><span></span><span></span></div><figcaption>A page from a 1568 herbal, with notes by three owners.</figcaption></figure>
  ${ESSAY.slice(0, 5).map((t) => `<p>${t}</p>`).join('')}
  <blockquote class="pull">The margin is where a book stops talking and starts listening.</blockquote>
  ${ESSAY.slice(5).map((t) => `<p>${t}</p>`).join('')}
  <div class="bio"><span class="portrait">HM</span><p><b>Helen Marsh</b> writes about archives and the history of reading. Her book on commonplace books is out next spring.</p></div>
  <nav class="next-prev">
    <a class="all" href="index.html">← All posts</a>
    <a class="next" href="article-2.html"><small>Next essay</small>${POSTS[1].title} →</a>
  </nav>
</main>
${foot}`;

const article2 = `${masthead}
<main class="story">
  <p class="tag">Craft</p>
  <h1>${POSTS[1].title}</h1>
  <p class="standfirst">${POSTS[1].dek}</p>
  <p class="meta">By ${POSTS[1].author} · ${POSTS[1].date} · ${POSTS[1].minutes} min read</p>
  <p>An index is an argument about what matters in a book. The indexer decides that “grief” deserves an entry and “weather” does not, that a minor character recurs often enough to be findable, that two chapters are secretly about the same thing.</p>
  <p>Good indexes are written by people, not generated. A machine can list every occurrence of a word; only a reader can notice that a passage about “loss” belongs under “grief” even though the word never appears.</p>
  <p>The best ones have a voice. Some nineteenth-century indexes are funnier than the books they serve, with entries like “Smith, J., his unreasonable views on drainage”. They reward browsing for its own sake.</p>
  <nav class="next-prev"><a class="all" href="index.html">← All posts</a><a class="next" href="article.html"><small>Previous essay</small>${POSTS[0].title}</a></nav>
</main>
${foot}`;

const css = `
body{font-family:"Liberation Serif","Times New Roman",serif;background:#fbfaf7;color:#1c1917;font-size:19px;line-height:1.6}
h1,h2,h3,.title{font-family:"DejaVu Serif",Georgia,serif}
.mast{text-align:center;padding:28px 20px 0;border-bottom:3px double #1c1917;margin:0 40px}
.title{font-size:44px;font-weight:700;text-decoration:none;letter-spacing:-1px}
.motto{margin:4px 0 14px;font-style:italic;color:#57534e;font-size:16px}
.mast nav{display:flex;justify-content:center;gap:6px;padding-bottom:10px}
.mast nav a{padding:4px 12px;text-decoration:none;font-size:15px;text-transform:uppercase;letter-spacing:1.5px}
.mast nav a:hover{color:#c2410c;text-decoration:underline}
.mast nav a:active{color:#7c2d12}
.home{display:grid;grid-template-columns:minmax(0,1fr) 300px;gap:48px;max-width:1080px;margin:0 auto;padding:32px 40px}
.item{padding:22px 0;border-bottom:1px solid #e7e5e4}
.item h2{font-size:24px;line-height:1.25;margin:6px 0}
.item.lead h2{font-size:34px}
.post-link{text-decoration:none}
.post-link:hover{color:#c2410c;text-decoration:underline;text-decoration-thickness:2px}
.post-link:active{color:#7c2d12}
.tag{margin:0;color:#c2410c;font-size:13px;text-transform:uppercase;letter-spacing:2px;font-family:"DejaVu Sans",sans-serif}
.dek{margin:0;color:#44403c}
.meta{margin:6px 0 0;color:#78716c;font-size:14px;font-family:"DejaVu Sans",sans-serif}
.older{padding:24px 0;text-align:center}
.button{display:inline-block;padding:10px 20px;border:1px solid #1c1917;text-decoration:none;font-family:"DejaVu Sans",sans-serif;font-size:14px}
.button:hover{background:#1c1917;color:#fbfaf7}
.button:active{background:#c2410c;border-color:#c2410c}
.box{padding:18px 0;border-bottom:1px solid #e7e5e4;font-size:16px}
.box h3{margin:0 0 8px;font-size:16px;text-transform:uppercase;letter-spacing:1px}
.box p{margin:0 0 10px}
.tags{display:flex;flex-wrap:wrap;gap:6px}
.chip{padding:3px 10px;border-radius:14px;background:#f5f5f4;text-decoration:none;font-size:14px;font-family:"DejaVu Sans",sans-serif}
.chip:hover{background:#fed7aa}
.chip:active{background:#fdba74}
.input{display:block;padding:8px 10px;border:1px solid #d6d3d1;background:#fff;color:#a8a29e;font-size:14px;margin-bottom:8px}
.story{max-width:700px;margin:0 auto;padding:36px 24px}
.story h1{font-size:42px;line-height:1.15;margin:8px 0 12px}
.standfirst{font-size:23px;color:#44403c;margin:0 0 10px;font-style:italic}
.figure{margin:28px 0}
.plate{height:260px;background:#efe7d6;border:1px solid #d6c7a8;display:grid;grid-template-columns:1fr 1fr 1fr;gap:18px;padding:30px}
.plate span{background:repeating-linear-gradient(#b8a680 0 2px,transparent 2px 12px)}
.figure figcaption{font-size:14px;color:#78716c;margin-top:8px;font-family:"DejaVu Sans",sans-serif}
.pull{margin:32px -40px;padding:8px 40px;border-left:4px solid #c2410c;font-size:28px;line-height:1.3;font-family:"DejaVu Serif",serif;color:#7c2d12}
.bio{display:flex;gap:16px;align-items:center;margin:40px 0 0;padding:20px;background:#f5f5f4;font-size:16px}
.bio p{margin:0}
.portrait{flex:none;display:grid;place-items:center;width:56px;height:56px;border-radius:50%;background:#1c1917;color:#fbfaf7;font-family:"DejaVu Sans",sans-serif}
.next-prev{display:flex;justify-content:space-between;align-items:center;gap:20px;margin:40px 0 20px;padding-top:20px;border-top:1px solid #e7e5e4}
.next-prev a{text-decoration:none;padding:10px 14px}
.next-prev a:hover{background:#fff7ed;color:#c2410c}
.next-prev a:active{background:#fed7aa}
.next{display:flex;flex-direction:column;text-align:right;font-family:"DejaVu Serif",serif}
.next small{font-family:"DejaVu Sans",sans-serif;color:#78716c;font-size:13px}
.all{font-family:"DejaVu Sans",sans-serif;font-size:15px}
.foot{display:flex;gap:20px;justify-content:center;padding:24px;border-top:1px solid #e7e5e4;font-size:14px;font-family:"DejaVu Sans",sans-serif;color:#78716c}
.foot a:hover{color:#c2410c}
@media (max-width:800px){
  .mast{margin:0 12px;padding-top:14px}.title{font-size:30px}.motto{display:none}.mast nav a{padding:2px 5px;font-size:12px;letter-spacing:0}
  .home{grid-template-columns:1fr;padding:12px 16px}.aside{display:none}.item.lead h2{font-size:26px}
  .story{padding:18px 16px}.story h1{font-size:30px}.pull{margin:24px 0;padding:4px 16px;font-size:22px}
}
`;

export const blog: Site = {
  name: 'blog',
  css,
  pages: {
    index: { title: 'The Margin', body: index },
    article: { title: `${POSTS[0].title} — The Margin`, body: article },
    'article-2': { title: `${POSTS[1].title} — The Margin`, body: article2 },
  },
};
