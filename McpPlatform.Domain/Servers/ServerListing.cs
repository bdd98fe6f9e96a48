namespace McpPlatform.Domain.Servers;

/// <summary>
/// The servers a caller can use, in the three parts they are kept in: app-level ones, the public ones (one list
/// shared by every caller) and the caller's own, shared and group ones (per set of principals), each in name order.
/// The same list objects come back while nothing they cover changes, so what is derived from a part (its JSON) can be
/// kept with it.
/// </summary>
public sealed record ServerListing(IReadOnlyList<ServerView> App, IReadOnlyList<ServerView> Everyone, IReadOnlyList<ServerView> Own)
{
    /// <summary>App-level servers, then the database ones in name order, each once (a server both public and shared
    /// with the caller is in both parts).</summary>
    public IReadOnlyList<ServerView> All()
    {
        var all = new List<ServerView>(App.Count + Everyone.Count + Own.Count);
        all.AddRange(App);
        var (i, j) = (0, 0);
        while (i < Everyone.Count || j < Own.Count)
        {
            var order = i == Everyone.Count ? 1 : j == Own.Count ? -1 : string.CompareOrdinal(Everyone[i].Name, Own[j].Name);
            all.Add(order <= 0 ? Everyone[i] : Own[j]);
            (i, j) = (order <= 0 ? i + 1 : i, order >= 0 ? j + 1 : j);
        }

        return all;
    }

    /// <summary>Every server of the three parts, a server both public and the caller's twice.</summary>
    public IEnumerable<ServerView> Each() => App.Concat(Everyone).Concat(Own);

    /// <summary>The server of this name, if the caller can use it.</summary>
    public ServerView? Find(string name) =>
        App.FirstOrDefault(v => v.Name == name) ?? Search(Everyone, name) ?? Search(Own, name);

    private static ServerView? Search(IReadOnlyList<ServerView> byName, string name)
    {
        var (low, high) = (0, byName.Count - 1);
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = string.CompareOrdinal(byName[middle].Name, name);
            if (order == 0)
            {
                return byName[middle];
            }

            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return null;
    }
}
