// Opens a GEXF file in Gephi's own importer (the Gephi Toolkit, headless) and prints what Gephi
// made of it, one `key<TAB>value` per line, for tests/export/test_gephi.py:
//   issue   LEVEL message   (one per problem Gephi's importer reported)
//   nodes / edges           (in the workspace after processing)
//   colours / sizes         (how many distinct node colours / sizes)
//   weighted                (edges whose weight is not 1)
//   dynamic                 (whether Gephi built a timeline: true/false)
//   timed                   (nodes and edges that carry a time interval)
//   bounds                  (the timeline's first and last time, ISO dates)
//   columns                 (the node attribute columns, comma-separated)
import java.awt.Color;
import java.io.File;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.gephi.graph.api.Column;
import org.gephi.graph.api.Edge;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Interval;
import org.gephi.graph.api.Node;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.importer.api.Issue;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.openide.util.Lookup;

public class GephiCheck {
    public static void main(String[] args) throws Exception {
        ProjectController projects = Lookup.getDefault().lookup(ProjectController.class);
        projects.newProject();
        Workspace workspace = projects.getCurrentWorkspace();
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        Container container = importer.importFile(new File(args[0]));
        if (container == null) {
            System.out.println("issue\tCRITICAL\tGephi could not open the file");
            return;
        }
        for (Issue issue : container.getReport().getIssuesList(Integer.MAX_VALUE)) {
            String message = issue.getMessage().replace('\n', ' ').replace('\t', ' ');
            System.out.println("issue\t" + issue.getLevel() + "\t" + message);
        }
        importer.process(container, new DefaultProcessor(), workspace);
        GraphModel model = Lookup.getDefault().lookup(GraphController.class).getGraphModel(workspace);
        Set<Color> colours = new HashSet<>();
        Set<Float> sizes = new HashSet<>();
        int weighted = 0, timed = 0;
        for (Node node : model.getGraph().getNodes()) {
            if (node.getIntervals().length > 0) timed++;
            colours.add(node.getColor());
            sizes.add(node.size());
        }
        for (Edge edge : model.getGraph().getEdges()) {
            if (edge.getWeight() != 1.0) weighted++;
            if (edge.getIntervals().length > 0) timed++;
        }
        StringBuilder columns = new StringBuilder();
        for (Column column : model.getNodeTable()) {
            if (columns.length() > 0) columns.append(',');
            columns.append(column.getTitle());
        }
        System.out.println("nodes\t" + model.getGraph().getNodeCount());
        System.out.println("edges\t" + model.getGraph().getEdgeCount());
        System.out.println("colours\t" + colours.size());
        System.out.println("sizes\t" + sizes.size());
        System.out.println("weighted\t" + weighted);
        System.out.println("dynamic\t" + model.isDynamic());
        System.out.println("timed\t" + timed);
        Interval bounds = model.getTimeBounds();
        System.out.println("bounds\t" + Instant.ofEpochMilli((long) bounds.getLow()) + " "
                + Instant.ofEpochMilli((long) bounds.getHigh()));
        System.out.println("columns\t" + columns);
    }
}
