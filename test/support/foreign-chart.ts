/**
 * A copy of the sample workbook with a chart of the user's own on its budget sheet, written here as
 * literal parts (as Excel saves a column chart), independently of the writer under test.
 */
import { promises as fs } from 'node:fs';
import JSZip from 'jszip';

/** The colour of the user's chart, used by no analysis chart: finding it in a rendering finds the chart. */
export const FOREIGN_CHART_COLOUR = '7030A0';
export const FOREIGN_CHART_PART = 'xl/charts/chart1.xml';

const CHART = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>Budget by line</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/><c:plotArea><c:layout/><c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/><c:ser><c:idx val="0"/><c:order val="0"/><c:spPr><a:solidFill><a:srgbClr val="${FOREIGN_CHART_COLOUR}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/><c:cat><c:strRef><c:f>'预算指标'!$B$2:$B$9</c:f></c:strRef></c:cat><c:val><c:numRef><c:f>'预算指标'!$D$2:$D$9</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="8"/><c:pt idx="0"><c:v>50000</c:v></c:pt><c:pt idx="1"><c:v>80000</c:v></c:pt><c:pt idx="2"><c:v>60000</c:v></c:pt><c:pt idx="3"><c:v>90000</c:v></c:pt><c:pt idx="4"><c:v>70000</c:v></c:pt><c:pt idx="5"><c:v>40000</c:v></c:pt><c:pt idx="6"><c:v>65000</c:v></c:pt><c:pt idx="7"><c:v>85000</c:v></c:pt></c:numCache></c:numRef></c:val></c:ser><c:gapWidth val="50"/><c:axId val="1"/><c:axId val="2"/></c:barChart><c:catAx><c:axId val="1"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:crossAx val="2"/></c:catAx><c:valAx><c:axId val="2"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="l"/><c:crossAx val="1"/></c:valAx></c:plotArea><c:plotVisOnly val="1"/></c:chart></c:chartSpace>`;

const DRAWING = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor><xdr:from><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>14</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>20</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="User chart"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>`;

const rels = (type: string, target: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/${type}" Target="${target}"/></Relationships>`;

/** The sample (its budget sheet is xl/worksheets/sheet7.xml) plus the chart; returns the new file. */
export async function withForeignChart(sample: string, dest: string): Promise<string> {
  const zip = await JSZip.loadAsync(await fs.readFile(sample));
  const sheet = 'xl/worksheets/sheet7.xml';
  const xml = await zip.file(sheet)!.async('string');
  if (!xml.includes('xmlns:r=') || xml.includes('<drawing')) throw new Error(`${sheet} is not the budget sheet it was`);
  zip.file(sheet, xml.replace('</worksheet>', '<drawing r:id="rId1"/></worksheet>'));
  zip.file('xl/worksheets/_rels/sheet7.xml.rels', rels('drawing', '../drawings/drawing1.xml'));
  zip.file('xl/drawings/drawing1.xml', DRAWING);
  zip.file('xl/drawings/_rels/drawing1.xml.rels', rels('chart', '../charts/chart1.xml'));
  zip.file(FOREIGN_CHART_PART, CHART);
  const types = await zip.file('[Content_Types].xml')!.async('string');
  zip.file(
    '[Content_Types].xml',
    types.replace(
      '</Types>',
      '<Override PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/><Override PartName="/xl/charts/chart1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/></Types>',
    ),
  );
  await fs.writeFile(dest, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return dest;
}
